package io.modeldeploy.operator;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Toleration;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.WebhookSpec;
import io.modeldeploy.operator.resources.ModelLocation;

/**
 * What a ModelDeployment's author may make the operator do on their behalf, beyond creating serving pods: which
 * runtime images, PersistentVolumeClaims, taints and hostnames they may use, and whether the runtime's environment
 * may read Secrets, and which URLs its rollout webhooks may call. Without it, anyone allowed to create a
 * ModelDeployment could run any image with the namespace's Secrets, mount any claim, land on dedicated nodes, claim
 * another team's hostname on a shared Gateway, or have the operator POST to any address it reaches.
 * An empty allowlist allows everything (one team per cluster); docs/operations.md "Security" shows a multi-tenant
 * setting. Pure: the reconciler refuses a spec that breaks it ({@code PolicyDenied}) and changes nothing.
 *
 * @param images prefixes a spec.runtime.image must start with (the operator's default image is always allowed)
 * @param secretReferences whether spec.runtime.env may read Secrets (valueFrom.secretKeyRef)
 * @param claims PersistentVolumeClaims a pvc:// model URI may name
 * @param tolerationKeys taint keys spec.scheduling.tolerations may tolerate (a toleration without a key tolerates
 *            every taint, so it needs an empty list)
 * @param hostnames hostnames an HTTPRoute may claim: exact, or {@code *.example.com} for any name under it
 * @param webhookUrls URL prefixes a rollout webhook may call: the operator POSTs from inside the cluster, so an
 *            author could otherwise make it call any address it can reach
 */
public record TenancyPolicy(List<String> images, boolean secretReferences, List<String> claims,
        List<String> tolerationKeys, List<String> hostnames, List<String> webhookUrls) {

    /** Everything allowed. */
    public static final TenancyPolicy OPEN = new TenancyPolicy(List.of(), true, List.of(), List.of(), List.of(),
            List.of());

    /** A policy that allows any webhook. */
    public TenancyPolicy(List<String> images, boolean secretReferences, List<String> claims,
            List<String> tolerationKeys, List<String> hostnames) {
        this(images, secretReferences, claims, tolerationKeys, hostnames, List.of());
    }

    /** The first thing in the spec this policy does not allow, as a sentence that names the setting. */
    public Optional<String> violation(ModelDeploymentSpec spec, String defaultImage) {
        String image = spec.runtime() == null ? null : spec.runtime().image();
        if (image != null && !image.equals(defaultImage) && !images.isEmpty()
                && images.stream().noneMatch(image::startsWith)) {
            return Optional.of("spec.runtime.image " + image + " is not allowed here; allowed: images starting with "
                    + String.join(", ", images) + " (operator setting MODELDEPLOY_POLICY_IMAGES)");
        }
        List<EnvVar> env = spec.runtime() == null || spec.runtime().env() == null ? List.of() : spec.runtime().env();
        for (int i = 0; i < env.size(); i++) {
            var from = env.get(i).getValueFrom();
            if (!secretReferences && from != null && from.getSecretKeyRef() != null) {
                return Optional.of("spec.runtime.env[" + i + "] (" + env.get(i).getName() + ") reads the Secret "
                        + from.getSecretKeyRef().getName() + "; this operator does not let ModelDeployments read "
                        + "Secrets (operator setting MODELDEPLOY_POLICY_SECRET_REFERENCES)");
            }
        }
        String credentials = spec.model().s3() == null ? null : spec.model().s3().credentialsSecret();
        if (!secretReferences && credentials != null) {
            return Optional.of("spec.model.s3.credentialsSecret reads the Secret " + credentials + "; this operator "
                    + "does not let ModelDeployments read Secrets (operator setting "
                    + "MODELDEPLOY_POLICY_SECRET_REFERENCES); use the cluster's workload identity, or ask for it");
        }
        Optional<String> modelImage = ModelLocation.of(spec.model().uri()).image();
        if (modelImage.isPresent() && !images.isEmpty() && images.stream().noneMatch(modelImage.get()::startsWith)) {
            // Checked before the operator asks the registry for the tag's digest: it contacts only allowed ones.
            return Optional.of("spec.model.uri names the image " + modelImage.get() + ", which is not allowed here; "
                    + "allowed: images starting with " + String.join(", ", images)
                    + " (operator setting MODELDEPLOY_POLICY_IMAGES)");
        }
        Optional<String> claim = ModelLocation.of(spec.model().uri()).claimName();
        if (claim.isPresent() && !claims.isEmpty() && !claims.contains(claim.get())) {
            return Optional.of("spec.model.uri names the PersistentVolumeClaim " + claim.get() + ", which is not "
                    + "allowed here; allowed: " + String.join(", ", claims)
                    + " (operator setting MODELDEPLOY_POLICY_CLAIMS)");
        }
        String cacheClaim = spec.model().cacheClaim();
        if (cacheClaim != null && !claims.isEmpty() && !claims.contains(cacheClaim)) {
            return Optional.of("spec.model.cacheClaim names the PersistentVolumeClaim " + cacheClaim + ", which is "
                    + "not allowed here; allowed: " + String.join(", ", claims)
                    + " (operator setting MODELDEPLOY_POLICY_CLAIMS)");
        }
        List<Toleration> tolerations = spec.scheduling() == null || spec.scheduling().tolerations() == null
                ? List.of() : spec.scheduling().tolerations();
        for (int i = 0; i < tolerations.size() && !tolerationKeys.isEmpty(); i++) {
            String key = tolerations.get(i).getKey();
            if (key == null || key.isEmpty() || !tolerationKeys.contains(key)) {
                return Optional.of("spec.scheduling.tolerations[" + i + "] tolerates "
                        + (key == null || key.isEmpty() ? "every taint" : "the taint " + key)
                        + ", which is not allowed here; allowed: " + String.join(", ", tolerationKeys)
                        + " (operator setting MODELDEPLOY_POLICY_TOLERATION_KEYS)");
            }
        }
        List<String> routed = spec.rollout() == null || spec.rollout().traffic() == null
                || spec.rollout().traffic().hostnames() == null ? List.of() : spec.rollout().traffic().hostnames();
        for (String hostname : routed) {
            if (!hostnames.isEmpty() && hostnames.stream().noneMatch(allowed -> matches(allowed, hostname))) {
                return Optional.of("spec.rollout.traffic.hostnames names " + hostname + ", which is not allowed "
                        + "here; allowed: " + String.join(", ", hostnames)
                        + " (operator setting MODELDEPLOY_POLICY_HOSTNAMES)");
            }
        }
        List<WebhookSpec> webhooks = spec.rollout() == null || spec.rollout().analysis() == null
                || spec.rollout().analysis().webhooks() == null ? List.of() : spec.rollout().analysis().webhooks();
        for (int i = 0; i < webhooks.size() && !webhookUrls.isEmpty(); i++) {
            String url = webhooks.get(i).url();
            if (webhookUrls.stream().noneMatch(allowed -> urlUnder(allowed, url))) {
                return Optional.of("spec.rollout.analysis.webhooks[" + i + "] (" + webhooks.get(i).name()
                        + ") calls " + url + ", which is not allowed here; allowed: URLs starting with "
                        + String.join(", ", webhookUrls) + " (operator setting MODELDEPLOY_POLICY_WEBHOOK_URLS)");
            }
        }
        return Optional.empty();
    }

    /**
     * A URL under an allowed prefix: it starts with the prefix, and where the prefix ends a host or path segment ends
     * too, so that {@code https://checks.example.com} does not allow {@code https://checks.example.com.evil.io/}.
     */
    static boolean urlUnder(String allowed, String url) {
        if (!url.startsWith(allowed)) {
            return false;
        }
        if (allowed.endsWith("/") || url.length() == allowed.length()) {
            return true;
        }
        char next = url.charAt(allowed.length());
        return next == '/' || next == ':' || next == '?' || next == '#';
    }

    /** {@code *.example.com} allows any name under example.com (not example.com itself); others must be equal. */
    private static boolean matches(String allowed, String hostname) {
        return allowed.equals(hostname)
                || (allowed.startsWith("*.") && hostname.endsWith(allowed.substring(1)) && !hostname.startsWith("*"));
    }
}
