package io.modeldeploy.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Gives the operator SDK its leader election settings, so that of several operator replicas only the Lease holder
 * reconciles. Active in the prod profile (quarkus.operator-sdk.activate-leader-election-for-profiles).
 */
@ApplicationScoped
public class LeaderElectionSetup {
    static final String FALLBACK_NAMESPACE = "default";

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorSettings settings, KubernetesClient client) {
        var election = settings.leaderElection();
        return new LeaderElectionConfiguration(election.leaseName(), leaseNamespace(settings, client.getNamespace()));
    }

    /**
     * The configured namespace, else the client's (in a pod: the operator's own namespace), else "default" for an
     * operator run outside the cluster with a kubeconfig that names none.
     */
    static String leaseNamespace(OperatorSettings settings, String clientNamespace) {
        return settings.leaderElection().leaseNamespace()
                .orElse(clientNamespace != null ? clientNamespace : FALLBACK_NAMESPACE);
    }
}
