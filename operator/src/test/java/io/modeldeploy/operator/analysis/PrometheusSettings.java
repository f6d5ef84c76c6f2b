package io.modeldeploy.operator.analysis;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import io.modeldeploy.operator.OperatorSettings;

/** The operator's Prometheus settings as a test sets them. */
record PrometheusSettings(Optional<URI> url, String podLabel, String namespaceLabel, Optional<Path> bearerTokenFile,
        Optional<String> username, Optional<Path> passwordFile, Optional<Path> caFile)
        implements OperatorSettings.Prometheus {

    /** The Prometheus at {@code url} (none: unset), with the default labels and no credentials. */
    static PrometheusSettings of(Optional<URI> url) {
        return new PrometheusSettings(url, "pod", "namespace", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    PrometheusSettings labels(String pod, String namespace) {
        return new PrometheusSettings(url, pod, namespace, bearerTokenFile, username, passwordFile, caFile);
    }

    PrometheusSettings trusting(Path ca) {
        return new PrometheusSettings(url, podLabel, namespaceLabel, bearerTokenFile, username, passwordFile,
                Optional.of(ca));
    }

    PrometheusSettings basic(String user, Path password) {
        return new PrometheusSettings(url, podLabel, namespaceLabel, bearerTokenFile, Optional.of(user),
                Optional.of(password), caFile);
    }

    PrometheusSettings bearer(Path token) {
        return new PrometheusSettings(url, podLabel, namespaceLabel, Optional.of(token), username, passwordFile,
                caFile);
    }
}
