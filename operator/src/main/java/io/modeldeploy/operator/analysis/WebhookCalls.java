package io.modeldeploy.operator.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.WebhookSpec;

/**
 * Calls a canary's webhooks ({@code spec.rollout.analysis.webhooks}) in the background, all of them at once, at most
 * once per check interval: each is POSTed the canary's details as JSON and must answer 2xx within its timeout. A
 * reconcile takes the latest finished round and never waits. Redirects are not followed (the URL the policy allowed
 * is the one called), and at most {@link #MAX_ANSWER_BYTES} of an answer are read, for the message.
 */
@ApplicationScoped
public class WebhookCalls {
    static final int MAX_ANSWER_BYTES = 1024;
    private static final int MESSAGE_CHARS = 200;

    /** A round of calls: the first failure in the spec's order, or none when every webhook answered 2xx. */
    public record Round(Optional<String> failure, Instant at) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final PeriodicReads<Round> rounds = new PeriodicReads<>();

    /**
     * The latest finished round for the canary revision; a new one starts when the last started an interval ago.
     *
     * @param payload what each webhook is POSTed, built only when a round starts
     */
    public Optional<Round> latest(ModelDeployment md, String canaryRevision, List<WebhookSpec> webhooks,
            Supplier<byte[]> payload, Duration interval, Instant now) {
        return rounds.latest(md, canaryRevision, interval, now, () -> round(webhooks, payload.get(), now));
    }

    public void forget(ModelDeployment md) {
        rounds.forget(md);
    }

    private CompletableFuture<Optional<Round>> round(List<WebhookSpec> webhooks, byte[] payload, Instant now) {
        List<CompletableFuture<Optional<String>>> calls = webhooks.stream().map(w -> call(w, payload)).toList();
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(done -> Optional.of(new Round(calls.stream().map(CompletableFuture::join)
                        .flatMap(Optional::stream).findFirst(), now)));
    }

    /** One call: empty when it answered 2xx, else why the check fails. */
    private CompletableFuture<Optional<String>> call(WebhookSpec webhook, byte[] payload) {
        Duration timeout = Duration.ofSeconds(webhook.timeoutSeconds() == null ? 10 : webhook.timeoutSeconds());
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url())).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        String name = "webhook " + webhook.name();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    try (InputStream body = response.body()) {
                        String answer = new String(body.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
                        if (response.statusCode() / 100 == 2) {
                            return Optional.<String>empty();
                        }
                        return Optional.of(name + " answered " + response.statusCode() + message(answer));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return Optional.of(cause instanceof HttpTimeoutException
                            ? name + " did not answer within " + timeout.toSeconds() + " s"
                            : name + " could not be reached: " + cause);
                })
                .completeOnTimeout(Optional.of(name + " did not answer within " + timeout.toSeconds() + " s"),
                        timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    /** The start of an answer's body on one line, for a message: ": text", or nothing. */
    static String message(String answer) {
        String line = answer.replaceAll("\\s+", " ").strip();
        if (line.isEmpty()) {
            return "";
        }
        return ": " + (line.length() > MESSAGE_CHARS ? line.substring(0, MESSAGE_CHARS) + "…" : line);
    }
}
