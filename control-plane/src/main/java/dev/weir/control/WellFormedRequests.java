package dev.weir.control;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request message that does not parse (a proto3 string that is not UTF-8, truncated or
 * garbled bytes) with INVALID_ARGUMENT naming the message type. grpc-java parses a request before
 * any interceptor or service sees it and answers a failure with UNKNOWN and no description; so here
 * each method's request marshaller passes such a message on as a marker instead of throwing, and
 * the method's handler ends the call on the marker.
 */
final class WellFormedRequests {

  private WellFormedRequests() {}

  /** {@code service}, with each protobuf method's unparsable requests refused as above. */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> guarded = guard(method);
      methods.add(guarded);
      descriptor.addMethod(guarded.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    if (!(descriptor.getRequestMarshaller() instanceof PrototypeMarshaller<Q> parser)
        || !(parser.getMessagePrototype() instanceof Message prototype)) {
      return method;
    }
    // A message of the request type that no parse returns: a new instance, compared by identity.
    @SuppressWarnings("unchecked")
    Q unparsable = (Q) prototype.toBuilder().build();
    if (unparsable == parser.getMessagePrototype()) {
      return method;
    }
    Status refusal =
        Status.INVALID_ARGUMENT.withDescription(
            "the request is not a well-formed "
                + prototype.getDescriptorForType().getFullName()
                + ": its bytes do not parse (a string field that is not UTF-8, or a cut-off message)");
    ServerCallHandler<Q, R> next = method.getServerCallHandler();
    ServerCallHandler<Q, R> handler =
        (call, headers) -> new Refusing<>(next.startCall(call, headers), call, unparsable, refusal);
    return ServerMethodDefinition.create(
        descriptor.toBuilder().setRequestMarshaller(new Lenient<>(parser, unparsable)).build(),
        handler);
  }

  /** Parses as {@code parser} does, but returns {@code unparsable} where that fails. */
  private record Lenient<Q>(PrototypeMarshaller<Q> parser, Q unparsable)
      implements PrototypeMarshaller<Q> {
    @Override
    public InputStream stream(Q value) {
      return parser.stream(value);
    }

    @Override
    public Q parse(InputStream stream) {
      try {
        return parser.parse(stream);
      } catch (StatusRuntimeException e) {
        if (e.getCause() instanceof InvalidProtocolBufferException) {
          return unparsable;
        }
        throw e;
      }
    }

    @Override
    public Q getMessagePrototype() {
      return parser.getMessagePrototype();
    }

    @Override
    public Class<Q> getMessageClass() {
      return parser.getMessageClass();
    }
  }

  /**
   * Ends the call on the marker: INVALID_ARGUMENT to the caller, and to the service a cancellation
   * (so a stream's state is let go of); nothing after that reaches the service.
   */
  private static final class Refusing<Q, R> extends SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Q unparsable;
    private final Status refusal;
    private boolean refused;

    Refusing(ServerCall.Listener<Q> next, ServerCall<Q, R> call, Q unparsable, Status refusal) {
      super(next);
      this.call = call;
      this.unparsable = unparsable;
      this.refusal = refusal;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      if (message == unparsable) {
        refused = true;
        call.close(refusal, new Metadata());
        super.onCancel();
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!refused) {
        super.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        super.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        super.onReady();
      }
    }
  }
}
