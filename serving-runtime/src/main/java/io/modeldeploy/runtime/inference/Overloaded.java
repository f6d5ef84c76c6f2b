package io.modeldeploy.runtime.inference;

/**
 * The model is at capacity: as many requests as the server queues already wait for it. Not the client's fault and
 * not a failure of the server: the HTTP layer answers 503 with Retry-After, and load balancers and clients retry.
 */
public final class Overloaded extends RuntimeException {
    public Overloaded(int queued) {
        this("the model is at capacity: " + queued + " requests already wait for it; retry shortly");
    }

    public Overloaded(String message) {
        super(message, null, false, false);
    }
}
