package io.modeldeploy.e2e;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A steady, bounded load through a Service while something happens to it (a rollout, a rollback): one request
 * every {@code 1000 / perSecond} ms, each answer counted by the version that gave it, each failure kept.
 */
final class SteadyLoad implements AutoCloseable {
    /** One request of the load, which never throws: a failure is an answer that is not ok. */
    interface Request {
        ServiceTraffic.Answer send();
    }

    private final Request request;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
    private final Map<String, Integer> answersByVersion = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    private SteadyLoad(Request request) {
        this.request = request;
    }

    /** The seed client's request ({@link ServiceTraffic#SEED_REQUEST}), {@code perSecond} times a second. */
    static SteadyLoad start(ServiceTraffic traffic, int perSecond) {
        return start(traffic, perSecond, ServiceTraffic.SEED_REQUEST);
    }

    /** The prediction request {@code body}, {@code perSecond} times a second. */
    static SteadyLoad start(ServiceTraffic traffic, int perSecond, String body) {
        return start(() -> traffic.predict(body), perSecond);
    }

    /** Any request (e.g. a gRPC call, {@link ServiceGrpc#predict}), {@code perSecond} times a second. */
    static SteadyLoad start(Request request, int perSecond) {
        var load = new SteadyLoad(request);
        load.clock.scheduleAtFixedRate(load::send, 0, 1000 / perSecond, TimeUnit.MILLISECONDS);
        return load;
    }

    private void send() {
        ServiceTraffic.Answer answer = request.send();
        synchronized (this) {
            if (answer.ok()) {
                answersByVersion.merge(answer.version(), 1, Integer::sum);
            } else {
                failures.add(LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS) + " " + answer.status()
                        + " " + answer.body().strip());
            }
        }
    }

    /** Successful answers so far, by the model version that gave them. */
    synchronized Map<String, Integer> answersByVersion() {
        return new TreeMap<>(answersByVersion);
    }

    /** Failed requests so far: the time (UTC), the status (0: no answer) and the body or the error. */
    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    synchronized int sent() {
        return answersByVersion.values().stream().mapToInt(Integer::intValue).sum() + failures.size();
    }

    /** Stops sending and waits for the requests in flight. */
    @Override
    public void close() {
        clock.shutdown();
        try {
            clock.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A line for the test's output and the benchmark record. */
    synchronized String summary() {
        return sent() + " requests, " + failures.size() + " failed, answers by version " + answersByVersion
                + (failures.isEmpty() ? "" : "; first failures: " + failures.subList(0, Math.min(3, failures.size())));
    }
}
