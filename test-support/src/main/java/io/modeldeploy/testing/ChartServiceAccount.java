package io.modeldeploy.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The test cluster as the Helm chart's ServiceAccount sees it: a token of that account, bound by the chart's own
 * RBAC ({@code helm/modeldeploy/templates/serviceaccount.yaml} and {@code rbac.yaml}, rendered by helm), which is how
 * the operator's pod authenticates and is authorized. A process given this kubeconfig sends a bearer token rather
 * than the admin's client certificate, so its TLS handshakes sign nothing, and the API server checks each of its
 * requests against the chart's rules instead of letting {@code system:masters} through.
 */
public final class ChartServiceAccount implements TestCluster {
    private final TestCluster admin;
    private final String kubeconfig;
    private final String account;

    private ChartServiceAccount(TestCluster admin, String kubeconfig, String account) {
        this.admin = admin;
        this.kubeconfig = kubeconfig;
        this.account = account;
    }

    /**
     * Applies the chart's ServiceAccount and RBAC in {@code namespace} (made if missing) and asks the API server for
     * a token of that account, valid for {@code validFor}; the kubeconfig's namespace is {@code namespace}, where the
     * chart lets the operator hold its leader Lease.
     */
    public static ChartServiceAccount install(TestCluster admin, Path root, String namespace, Duration validFor) {
        String rendered = Kubectl.helmOutput(admin, "template", "modeldeploy",
                root.resolve("helm/modeldeploy").toString(), "--namespace", namespace,
                "--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml");
        Config config = admin.config();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .endMetadata().build()).create();
            }
            List<HasMetadata> objects = client.load(new ByteArrayInputStream(
                    rendered.getBytes(StandardCharsets.UTF_8))).items();
            String account = objects.stream().filter(ServiceAccount.class::isInstance).findFirst()
                    .map(o -> o.getMetadata().getName())
                    .orElseThrow(() -> new IllegalStateException("the chart rendered no ServiceAccount:\n" + rendered));
            for (HasMetadata object : objects) {
                client.resource(object).forceConflicts().serverSideApply();
            }
            String token = client.serviceAccounts().inNamespace(namespace).withName(account)
                    .tokenRequest(new TokenRequestBuilder().withNewSpec()
                            .withExpirationSeconds(validFor.toSeconds()).endSpec().build())
                    .getStatus().getToken();
            return new ChartServiceAccount(admin, kubeconfig(config.getMasterUrl(), admin.certificateAuthority(), token,
                    namespace), namespace + "/" + account);
        }
    }

    private static String kubeconfig(String server, byte[] authority, String token, String namespace) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: cluster
                  cluster:
                    server: "%s"
                    certificate-authority-data: "%s"
                users:
                - name: chart-service-account
                  user:
                    token: "%s"
                contexts:
                - name: chart-service-account
                  context:
                    cluster: cluster
                    user: chart-service-account
                    namespace: "%s"
                current-context: chart-service-account
                """.formatted(server, Base64.getEncoder().encodeToString(authority), token, namespace);
    }

    /** Kubeconfig YAML with the ServiceAccount's token: the chart's rights, not an admin's. */
    @Override
    public String kubeconfig() {
        return kubeconfig;
    }

    @Override
    public String description() {
        return admin.description() + " as the chart's ServiceAccount " + account;
    }
}
