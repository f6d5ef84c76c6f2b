package io.modeldeploy.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Gives the operator SDK its leader election settings, so that of several operator replicas only the Lease holder
 * reconciles. Active in the prod profile (quarkus.operator-sdk.activate-leader-election-for-profiles).
 */
@ApplicationScoped
public class LeaderElectionSetup {

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
        var election = settings.leaderElection();
        return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null));
    }
}
