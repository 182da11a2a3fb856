package dev.weir.control.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A jetcd client whose first transaction never gets an answer, as if the network or etcd lost it:
 * either etcd applied it and only the answer was lost, or it is held back and reaches etcd only
 * when the test calls {@link #deliverHeldCommit}, after the caller gave up on it.
 */
final class LosingFirstCommit {
  enum Mode {
    APPLIED,
    HELD
  }

  private final Client client;
  private final Mode mode;
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicReference<Txn> held = new AtomicReference<>();

  LosingFirstCommit(Client client, Mode mode) {
    this.client = client;
    this.mode = mode;
  }

  Client client() {
    return proxy(
        Client.class,
        client,
        (method, result) -> method.getName().equals("getKVClient") ? kv((KV) result) : result);
  }

  /** Sends the held transaction to etcd now; its answer. */
  CompletableFuture<?> deliverHeldCommit() {
    return held.get().commit();
  }

  private KV kv(KV kv) {
    return proxy(
        KV.class,
        kv,
        (method, result) -> method.getName().equals("txn") ? txn((Txn) result) : result);
  }

  private Txn txn(Txn real) {
    Txn[] self = new Txn[1];
    self[0] =
        (Txn)
            Proxy.newProxyInstance(
                Txn.class.getClassLoader(),
                new Class<?>[] {Txn.class},
                (p, method, args) -> {
                  if (method.getName().equals("commit") && lost.compareAndSet(false, true)) {
                    if (mode == Mode.APPLIED) {
                      real.commit().join();
                    } else {
                      held.set(real);
                    }
                    return new CompletableFuture<>();
                  }
                  Object result = invoke(real, method, args);
                  // If/Then/Else return the builder: keep handing out the proxy.
                  return result == real ? self[0] : result;
                });
    return self[0];
  }

  private interface Wrap {
    Object apply(Method method, Object result);
  }

  private static <T> T proxy(Class<T> type, T real, Wrap wrap) {
    InvocationHandler handler = (p, method, args) -> wrap.apply(method, invoke(real, method, args));
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
