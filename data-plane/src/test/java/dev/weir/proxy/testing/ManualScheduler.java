package dev.weir.proxy.testing;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: a test sees what was scheduled, with which delay, and
 * runs it when it chooses, on its own thread.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  private final List<Task> tasks = new ArrayList<>();

  /** The delays of the tasks scheduled so far, cancelled or not, in order. */
  public synchronized List<Duration> delays() {
    return tasks.stream().map(t -> t.delay).toList();
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    return (int) tasks.stream().filter(Task::pending).count();
  }

  /** Runs the oldest pending task; fails if there is none. */
  public void runNext() {
    Task next;
    synchronized (this) {
      next =
          tasks.stream()
              .filter(Task::pending)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("nothing scheduled"));
      next.markRun();
    }
    next.command.run();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(command, Duration.ofNanos(unit.toNanos(delay)));
    tasks.add(task);
    return task;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final Duration delay;

    @GuardedBy("ManualScheduler.this")
    boolean done;

    @GuardedBy("ManualScheduler.this")
    boolean cancelled;

    Task(Runnable command, Duration delay) {
      this.command = command;
      this.delay = delay;
    }

    // The scheduler's methods reach done through these: Error Prone cannot tell that a task's
    // enclosing scheduler is the one whose lock they hold.
    boolean pending() {
      synchronized (ManualScheduler.this) {
        return !done;
      }
    }

    void markRun() {
      synchronized (ManualScheduler.this) {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delay);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      synchronized (ManualScheduler.this) {
        if (done) {
          return false;
        }
        done = true;
        cancelled = true;
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (ManualScheduler.this) {
        return cancelled;
      }
    }

    @Override
    public boolean isDone() {
      synchronized (ManualScheduler.this) {
        return done;
      }
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
