package io.modeldeploy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Installs CRD manifests with server-side apply and waits until the API server serves them. */
public final class CrdInstaller {
    private CrdInstaller() {
    }

    /** Applies every *.yaml file in {@code dir} (sorted) and waits for each CRD to be Established. */
    public static List<String> installAll(KubernetesClient client, Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .flatMap(f -> install(client, f).stream()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list CRD manifests in " + dir, e);
        }
    }

    /** Applies the CRDs in one YAML file and waits for them to be Established; returns their names. */
    public static List<String> install(KubernetesClient client, Path file) {
        List<HasMetadata> applied;
        try (InputStream in = Files.newInputStream(file)) {
            applied = client.load(in).forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read CRD manifest " + file, e);
        }
        for (HasMetadata crd : applied) {
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(CrdInstaller::established, 60, TimeUnit.SECONDS);
        }
        return applied.stream().map(crd -> crd.getMetadata().getName()).toList();
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
