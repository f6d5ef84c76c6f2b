package io.modeldeploy.runtime.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of prediction requests the server holds at once. Reading a request costs up to 12 times its body
 * (its numbers as doubles, {@link RequestBodies}), and the rows live until it is answered; without a bound, a few
 * dozen large requests at once exhaust any heap, and a runtime out of heap exits (a restart, and every request in
 * flight lost). Beyond the budget a request gets 503 with Retry-After at once, before it is read, and the server
 * keeps serving. One request is always taken when none is held, so a body up to the size limit is never refused
 * for its size alone.
 */
public final class BodyBudget {
    /** What one byte of request body may cost while it is held: the body itself and what reading it allocates. */
    static final int COST_PER_BYTE = 13;

    private final long bytes;
    private final AtomicLong held = new AtomicLong();

    public BodyBudget(long bytes) {
        this.bytes = bytes;
    }

    /**
     * The budget for a heap of {@code maxHeapBytes}: half of it for requests (the rest holds the model, the server
     * and garbage not yet collected), divided by what each byte costs; never below one body of the size limit.
     */
    public static long forHeap(long maxHeapBytes, long maxBodyBytes) {
        return Math.max(maxBodyBytes, maxHeapBytes / 2 / COST_PER_BYTE);
    }

    /** Takes {@code n} bytes if they fit, or if nothing is held; false if the request must wait or be refused. */
    public boolean tryAcquire(long n) {
        while (true) {
            long current = held.get();
            if (current > 0 && current + n > bytes) {
                return false;
            }
            if (held.compareAndSet(current, current + n)) {
                return true;
            }
        }
    }

    public void release(long n) {
        held.addAndGet(-n);
    }

    public long bytes() {
        return bytes;
    }

    public long held() {
        return held.get();
    }

    /** Why a request was refused, for its 503. */
    public String refusal(long n) {
        return "the server holds " + mib(held()) + " MiB of prediction requests, its budget is " + mib(bytes)
                + " MiB (from its heap) and this request is " + mib(n) + " MiB: retry shortly";
    }

    private static String mib(long n) {
        return String.format(java.util.Locale.ROOT, "%.1f", n / 1048576.0);
    }
}
