package io.modeldeploy.operator;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's own settings (application.properties, or MODELDEPLOY_* environment variables). */
@ConfigMapping(prefix = "modeldeploy")
public interface OperatorSettings {

    /** The serving runtime image used when a ModelDeployment names none. */
    @WithDefault("ghcr.io/modeldeploy/serving-runtime:0.1.0")
    String runtimeImage();

    /** What ModelDeployments may use beyond serving pods ({@link TenancyPolicy}); empty lists allow everything. */
    Policy policy();

    interface Policy {
        /** Prefixes a spec.runtime.image must start with (MODELDEPLOY_POLICY_IMAGES, comma-separated). */
        Optional<List<String>> images();

        /** Whether spec.runtime.env may read Secrets (MODELDEPLOY_POLICY_SECRET_REFERENCES); opt-in. */
        @WithDefault("false")
        boolean secretReferences();

        /** PersistentVolumeClaims a pvc:// model may name (MODELDEPLOY_POLICY_CLAIMS). */
        Optional<List<String>> claims();

        /** Taint keys the pods may tolerate (MODELDEPLOY_POLICY_TOLERATION_KEYS). */
        Optional<List<String>> tolerationKeys();

        /** Hostnames an HTTPRoute may claim, exact or *.domain (MODELDEPLOY_POLICY_HOSTNAMES). */
        Optional<List<String>> hostnames();

        /** URL prefixes rollout webhooks may call (MODELDEPLOY_POLICY_WEBHOOK_URLS). */
        Optional<List<String>> webhookUrls();

        default TenancyPolicy tenancy() {
            return new TenancyPolicy(images().orElse(List.of()), secretReferences(), claims().orElse(List.of()),
                    tolerationKeys().orElse(List.of()), hostnames().orElse(List.of()), webhookUrls().orElse(List.of()));
        }
    }

    /** The OCI registries oci:// models come from. */
    Registries registries();

    interface Registries {
        /**
         * Registries (host or host:port) the operator reaches over plain HTTP to resolve a tag
         * (MODELDEPLOY_REGISTRIES_INSECURE, comma-separated); localhost always is. The nodes' container runtime needs
         * the same setting to pull from them.
         */
        Optional<List<String>> insecure();
    }

    /** The Prometheus that canary analyses with {@code metrics.source: Prometheus} query. */
    Prometheus prometheus();

    interface Prometheus {
        /**
         * Its base URL, e.g. http://prometheus-operated.monitoring.svc:9090 (MODELDEPLOY_PROMETHEUS_URL); unset, an
         * analysis that asks for Prometheus fails its checks saying so.
         */
        Optional<java.net.URI> url();

        /** The label its series carry the pod's name in (MODELDEPLOY_PROMETHEUS_POD_LABEL). */
        @WithDefault("pod")
        String podLabel();

        /** The label its series carry the pod's namespace in (MODELDEPLOY_PROMETHEUS_NAMESPACE_LABEL). */
        @WithDefault("namespace")
        String namespaceLabel();

        /**
         * A file whose content is sent as a bearer token (MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE), read at every
         * query, so that a rotated token (a projected service account token, a Secret) is taken up.
         */
        Optional<java.nio.file.Path> bearerTokenFile();

        /** The user name of HTTP basic authentication (MODELDEPLOY_PROMETHEUS_USERNAME), with {@link #passwordFile}. */
        Optional<String> username();

        /** A file with the basic authentication password (MODELDEPLOY_PROMETHEUS_PASSWORD_FILE), read at every query. */
        Optional<java.nio.file.Path> passwordFile();

        /**
         * PEM certificates of the authorities an https URL's certificate must chain to, instead of the JVM's
         * (MODELDEPLOY_PROMETHEUS_CA_FILE).
         */
        Optional<java.nio.file.Path> caFile();
    }

    /** Leader election, so that only one of several operator replicas reconciles. */
    LeaderElection leaderElection();

    interface LeaderElection {
        /** The Lease's name. */
        @WithDefault("modeldeploy-operator")
        String leaseName();

        /** The Lease's namespace; the operator's own namespace when unset. */
        Optional<String> leaseNamespace();
    }
}
