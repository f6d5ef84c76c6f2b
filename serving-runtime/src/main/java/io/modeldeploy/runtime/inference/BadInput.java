package io.modeldeploy.runtime.inference;

/** A request the model cannot answer as sent; the message names the problem and becomes a 4xx answer. */
public class BadInput extends RuntimeException {
    private final int status;

    public BadInput(String message) {
        this(400, message);
    }

    public BadInput(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
