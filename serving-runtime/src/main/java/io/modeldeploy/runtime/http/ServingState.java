package io.modeldeploy.runtime.http;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.modeldeploy.runtime.inference.ModelService;

/**
 * Whether the server can serve: the model once it is loaded and warmed up, and whether it is draining. A draining
 * server reports not ready, so that endpoints and load balancers stop sending to it, but keeps answering what still
 * arrives: a request sent while they converge is served, never refused.
 */
public final class ServingState {
    private volatile ModelService model;
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastActivity = System.nanoTime();

    /** The model, once loaded and warmed up, draining or not: what predictions are answered with. */
    public Optional<ModelService> model() {
        return Optional.ofNullable(model);
    }

    /** Whether to report ready: the model is loaded and the server is not draining. */
    public boolean ready() {
        return model != null && !draining;
    }

    public void ready(ModelService service) {
        this.model = service;
    }

    /** Stops reporting ready, so load balancers stop sending, while requests that still arrive are answered. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Why there is no model to answer with, or why the server reports not ready. */
    public String notReadyReason() {
        return draining ? "the server is shutting down" : "it is still loading";
    }

    /** A request starts: counted in flight, and the time noted. */
    public void requestStarted() {
        inFlight.incrementAndGet();
        lastActivity = System.nanoTime();
    }

    /** A request ended. */
    public void requestEnded() {
        inFlight.decrementAndGet();
        lastActivity = System.nanoTime();
    }

    /**
     * Whether no request has been in flight, started or ended for {@code nanos}: traffic stopped arriving. A count
     * of requests in flight alone, sampled, would miss the short requests that arrive between two samples.
     */
    public boolean idleFor(long nanos) {
        return inFlight.get() == 0 && System.nanoTime() - lastActivity >= nanos;
    }
}
