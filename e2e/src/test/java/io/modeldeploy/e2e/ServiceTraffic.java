package io.modeldeploy.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Requests to a ModelDeployment's Service, sent from this machine to its ClusterIP, so that the real kube-proxy's
 * rules choose the pod, as they do for any client in the cluster. Each request opens its own connection, as the
 * seed's {@code requests.post} (no Session) does: kube-proxy balances connections, so requests on one kept-alive
 * connection would all reach one pod. The e2e module runs its tests with {@code -Dhttp.keepAlive=false} for that.
 */
final class ServiceTraffic {
    /** The seed tutorial's client request, byte for byte the JSON its {@code requests.post} sends. */
    static final String SEED_REQUEST = "{\"features\": [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]}";
    /** The response header in which the runtime names the model version that answered. */
    static final String VERSION_HEADER = "X-Model-Version";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI predict;

    private ServiceTraffic(URI predict) {
        this.predict = predict;
    }

    /** Traffic to the Service of the ModelDeployment {@code name} (port 80). */
    static ServiceTraffic to(KubernetesClient client, String name) {
        return toAddress(client.services().withName(name).get().getSpec().getClusterIP());
    }

    /** Traffic to port 80 of this address. */
    static ServiceTraffic toAddress(String address) {
        return new ServiceTraffic(URI.create("http://" + address + "/predict"));
    }

    /** Traffic to the {@code /predict} path of a Gateway listener at {@code base} (e.g. http://127.0.0.1:8000). */
    static ServiceTraffic toGateway(URI base) {
        return new ServiceTraffic(base.resolve("/predict"));
    }

    /** One answer: the HTTP status (0 when no answer came), the answering version and the body or the error. */
    record Answer(int status, String version, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    /** The seed client's request, once; never throws, never waits longer than its timeouts. */
    Answer predict() {
        return predict(SEED_REQUEST);
    }

    /**
     * The first request to a Service whose pods just became Ready: kube-proxy programs its rules a moment after the
     * endpoints change (until then the ClusterIP refuses connections), so a refused connection is tried again for
     * up to 30 s. Any HTTP answer, good or bad, is returned at once. Load tests use {@link #predict} alone.
     */
    Answer firstAnswer(String json) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Answer answer = predict(json);
        while (answer.status() == 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
            answer = predict(json);
        }
        return answer;
    }

    /** A /predict request with this JSON body, once; never throws, never waits longer than its timeouts. */
    Answer predict(String json) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) predict.toURL().openConnection();
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setDoOutput(true);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, Objects.requireNonNullElse(connection.getHeaderField(VERSION_HEADER), ""),
                    text);
        } catch (IOException e) {
            return new Answer(0, "", e.toString());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
