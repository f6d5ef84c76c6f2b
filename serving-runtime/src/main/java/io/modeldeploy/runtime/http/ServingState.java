package io.modeldeploy.runtime.http;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.modeldeploy.runtime.inference.ModelService;

/** Whether the server can serve: the model once it is loaded and warmed up, and whether it is draining. */
public final class ServingState {
    private volatile ModelService model;
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** The model, once loaded and warmed up, while the server is not draining. */
    public Optional<ModelService> ready() {
        return draining ? Optional.empty() : Optional.ofNullable(model);
    }

    public void ready(ModelService service) {
        this.model = service;
    }

    /** Stops reporting ready, so load balancers stop sending, while in-flight requests finish. */
    public void drain() {
        draining = true;
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }
}
