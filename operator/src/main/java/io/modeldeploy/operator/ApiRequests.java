package io.modeldeploy.operator;

import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Counts the requests the operator sends to the API server, by verb ({@code GET}, {@code LIST}, {@code WATCH},
 * {@code PATCH}, ...) and resource ({@code deployments}, {@code modeldeployments/status}, {@code leases}, ...), as
 * {@code modeldeploy_api_requests_total{verb,resource}}: what the operator costs the API server, and the measure of
 * {@code ApiRequestBudgetIT}.
 * <p>
 * Fabric8 makes its HTTP clients with the {@link HttpClient.Factory} of the highest priority that the classpath
 * offers; {@link Factory} is one above Quarkus' own and hands every client it makes an interceptor that counts.
 */
@ApplicationScoped
public class ApiRequests {
    /** Counts by verb and resource, kept here from the first request on (the client starts before the registry). */
    private static final Map<Key, LongAdder> SENT = new ConcurrentHashMap<>();
    private static volatile MeterRegistry registry;

    record Key(String verb, String resource) {
    }

    void register(@Observes StartupEvent start, MeterRegistry meters) {
        registry = meters;
        SENT.forEach(ApiRequests::publish);
    }

    private static void publish(Key key, LongAdder count) {
        MeterRegistry meters = registry;
        if (meters != null) {
            FunctionCounter.builder("modeldeploy.api.requests", count, LongAdder::doubleValue)
                    .tag("verb", key.verb()).tag("resource", key.resource())
                    .description("Requests the operator sent to the Kubernetes API server").register(meters);
        }
    }

    static void count(String method, String path, String query) {
        Key key = new Key(verb(method, path, query), resource(path));
        LongAdder count = SENT.get(key);
        if (count == null) {
            count = SENT.computeIfAbsent(key, k -> new LongAdder());
            publish(key, count);
        }
        count.increment();
    }

    /** The verb of a request as the API server's audit log names it: a GET of a collection is a LIST or a WATCH. */
    static String verb(String method, String path, String query) {
        if (!"GET".equals(method)) {
            return method;
        }
        if (query != null && query.contains("watch=true")) {
            return "WATCH";
        }
        // After the group-version prefix and a namespace, an odd number of segments names a collection
        // (pods), an even one an object (pods/iris-1); a subresource (status) is read as an object's.
        String[] segments = segments(path);
        return segments.length % 2 == 1 && segments.length < 3 ? "LIST" : "GET";
    }

    /** The resource a request is about (deployments, leases, modeldeployments/status, ...). */
    static String resource(String path) {
        String[] segments = segments(path);
        if (segments.length == 0) {
            return "other";
        }
        return segments.length >= 3 ? segments[0] + "/" + segments[2] : segments[0];
    }

    /** The path's segments after the group-version prefix and the namespace, if any. */
    private static String[] segments(String path) {
        String rest = path.replaceFirst("^/(api/[^/]+|apis/[^/]+/[^/]+)/?", "")
                .replaceFirst("^namespaces/[^/]+/?", "");
        return rest.isEmpty() ? new String[0] : rest.split("/");
    }

    static long sent(String verb, String resource) {
        LongAdder count = SENT.get(new Key(verb, resource));
        return count == null ? 0 : count.sum();
    }

    /** The HTTP client factory Fabric8 picks: the next one's clients, each with the counting interceptor. */
    public static final class Factory implements HttpClient.Factory {
        private final HttpClient.Factory next = ServiceLoader.load(HttpClient.Factory.class, Factory.class
                .getClassLoader()).stream().filter(p -> p.type() != Factory.class).map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(HttpClient.Factory::priority))
                .orElseThrow(() -> new IllegalStateException("no Fabric8 HTTP client on the classpath"));

        @Override
        public HttpClient.Builder newBuilder(Config config) {
            return next.newBuilder(config).addOrReplaceInterceptor("modeldeploy-api-requests", new Counting());
        }

        @Override
        public HttpClient.Builder newBuilder() {
            return next.newBuilder().addOrReplaceInterceptor("modeldeploy-api-requests", new Counting());
        }

        @Override
        public int priority() {
            return next.priority() + 1;
        }
    }

    private static final class Counting implements Interceptor {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            count(request.method(), request.uri().getPath(), request.uri().getQuery());
        }
    }
}
