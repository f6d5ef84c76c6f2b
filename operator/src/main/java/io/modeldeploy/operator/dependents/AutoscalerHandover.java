package io.modeldeploy.operator.dependents;

import java.net.HttpURLConnection;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Hands the stable Deployment's spec.replicas from the operator to the HorizontalPodAutoscaler without a moment at
 * the API server's default of one replica (the "transferring ownership" procedure of the Kubernetes server-side
 * apply documentation). A field that an apply leaves out is removed if that apply was its only owner, so before the
 * operator first applies the Deployment without spec.replicas (it created it at minReplicas, or autoscaling was
 * just switched on), a second field manager applies the current count alone and keeps the field owned. The
 * autoscaler's first scale takes the field over, and that manager's entry disappears.
 */
public final class AutoscalerHandover {
    /** The field manager that holds spec.replicas between the operator and the autoscaler. */
    static final String FIELD_MANAGER = "modeldeploy-autoscaler-handover";

    private AutoscalerHandover() {
    }

    /** Whether applying {@code desired} would remove spec.replicas that {@code manager}'s apply still owns. */
    static boolean needed(Deployment actual, Deployment desired, String manager) {
        return desired.getSpec().getReplicas() == null && appliesReplicas(actual, manager);
    }

    /** Whether {@code manager}'s server-side apply owns the Deployment's spec.replicas. */
    public static boolean appliesReplicas(Deployment deployment, String manager) {
        var entries = deployment.getMetadata().getManagedFields();
        return entries != null && entries.stream()
                .filter(e -> manager.equals(e.getManager()) && "Apply".equals(e.getOperation()))
                .filter(e -> e.getSubresource() == null || e.getSubresource().isEmpty())
                .anyMatch(AutoscalerHandover::ownsReplicas);
    }

    private static boolean ownsReplicas(ManagedFieldsEntry entry) {
        return entry.getFieldsV1() != null
                && entry.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
                && spec.containsKey("f:replicas");
    }

    /**
     * Applies the observed replica count under {@link #FIELD_MANAGER}, without force: if the autoscaler has changed
     * the count since it was observed, it owns the field already and the conflict means there is nothing to hand
     * over.
     */
    static void perform(KubernetesClient client, Deployment actual) {
        Deployment replicasOnly = new DeploymentBuilder()
                .withNewMetadata().withName(actual.getMetadata().getName())
                .withNamespace(actual.getMetadata().getNamespace()).endMetadata()
                .withNewSpec().withReplicas(actual.getSpec().getReplicas()).endSpec()
                .build();
        try {
            client.apps().deployments().inNamespace(actual.getMetadata().getNamespace()).resource(replicasOnly)
                    .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                            .withFieldManager(FIELD_MANAGER).withForce(false).build());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }
}
