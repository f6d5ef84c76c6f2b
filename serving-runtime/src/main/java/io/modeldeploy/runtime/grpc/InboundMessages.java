package io.modeldeploy.runtime.grpc;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.modeldeploy.runtime.http.BodyBudget;

/**
 * What the gRPC server does with a message before its service sees it: a message that does not parse gets
 * INVALID_ARGUMENT saying so (grpc-java's own answer is UNKNOWN, "Application error processing RPC", with a stack
 * trace in the log), and an inference call is charged to the request budget with its size on the wire, before
 * its message is parsed, as the REST API charges a body's declared length before reading it. Parsing a
 * ModelInferRequest allocates its tensors on the heap; a call beyond the budget gets UNAVAILABLE without that. The
 * bytes are held until the call is answered (or cancelled).
 * <p>
 * It sees messages as grpc-java buffered them ({@link ServerInterceptors#useInputStreamMessages}): an uncompressed
 * message's stream knows its length; a compressed one's does not, and is charged the largest message allowed.
 */
final class InboundMessages implements ServerInterceptor {
    private final String method;
    private final BodyBudget budget;
    private final long unknownSize;
    private final LongFunction<Status> refusal;

    /**
     * @param method      the full name of the method whose messages are charged
     * @param unknownSize what a message whose stream does not know its length is charged
     * @param refusal     the status of a call refused for its size (and its count in the metrics)
     */
    InboundMessages(String method, BodyBudget budget, long unknownSize, LongFunction<Status> refusal) {
        this.method = method;
        this.budget = budget;
        this.unknownSize = unknownSize;
        this.refusal = refusal;
    }

    /** The service, its messages read as streams, with the gate in front of the charged method. */
    ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), this);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (!method.equals(call.getMethodDescriptor().getFullMethodName())) {
            return new Parsing<>(next.startCall(call, headers), call);
        }
        var charge = new Charge();
        ServerCall<Q, A> releasing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                charge.release();
                super.close(status, trailers);
            }
        };
        return new Parsing<>(next.startCall(releasing, headers), releasing) {
            @Override
            public void onMessage(Q message) {
                long size = size((InputStream) message);
                if (!closed && !charge.acquire(size)) {
                    close(refusal.apply(size));
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                charge.release();
                super.onCancel();
            }
        };
    }

    /** Hands a message on to be parsed; one that does not parse closes the call with INVALID_ARGUMENT. */
    private static class Parsing<Q, A> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, A> call;
        /** Answered here: the service hears nothing more of the call. */
        boolean closed;

        Parsing(ServerCall.Listener<Q> handler, ServerCall<Q, A> call) {
            super(handler);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (closed) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (StatusRuntimeException e) {
                // The service parses the stream here; grpc-java's marshaller says why it could not.
                close(Status.INVALID_ARGUMENT.withDescription("the message is not a "
                        + call.getMethodDescriptor().getBareMethodName() + " request: "
                        + e.getStatus().getDescription()));
            }
        }

        @Override
        public void onHalfClose() {
            if (!closed) {
                super.onHalfClose();
            }
        }

        void close(Status status) {
            closed = true;
            call.close(status, new Metadata());
        }
    }

    private long size(InputStream message) {
        try {
            return message instanceof KnownLength ? message.available() : unknownSize;
        } catch (java.io.IOException e) {
            return unknownSize;
        }
    }

    /** The bytes one call holds, released once. */
    private final class Charge {
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile long bytes;

        boolean acquire(long size) {
            if (!budget.tryAcquire(size)) {
                return false;
            }
            bytes += size;
            return true;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                budget.release(bytes);
            }
        }
    }
}
