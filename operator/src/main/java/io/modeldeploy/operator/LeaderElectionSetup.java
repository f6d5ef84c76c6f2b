package io.modeldeploy.operator;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Gives the operator SDK its leader election settings, so that of several operator replicas only the Lease holder
 * reconciles. Active in the prod profile (quarkus.operator-sdk.activate-leader-election-for-profiles).
 * <p>
 * A replica that loses the Lease while running exits, so that it never reconciles beside the new leader. The SDK's
 * own exit-on-stop-leading is off: it calls System.exit also when the Lease is given up because the process is
 * already shutting down (SIGTERM), and System.exit inside a shutdown blocks for ever, so the pod would hang until
 * the kubelet kills it. On shutdown this replica releases the Lease (clears its holder), so the next leader takes
 * over at once instead of after the Lease's duration.
 */
@ApplicationScoped
public class LeaderElectionSetup {
    static final String FALLBACK_NAMESPACE = "default";
    private static final Logger LOG = Logger.getLogger(LeaderElectionSetup.class);

    @Produces
    @ApplicationScoped
    LeaderElectionConfiguration leaderElection(OperatorSettings settings, KubernetesClient client) {
        String name = settings.leaderElection().leaseName();
        String namespace = leaseNamespace(settings, client.getNamespace());
        String identity = UUID.randomUUID().toString();
        return new LeaderElectionConfiguration(name, namespace,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity,
                new LeaderCallbacks(() -> { }, () -> stoppedLeading(client, namespace, name, identity), leader -> { }),
                false);
    }

    /**
     * The configured namespace, else the client's (in a pod: the operator's own namespace), else "default" for an
     * operator run outside the cluster with a kubeconfig that names none.
     */
    static String leaseNamespace(OperatorSettings settings, String clientNamespace) {
        return settings.leaderElection().leaseNamespace()
                .orElse(clientNamespace != null ? clientNamespace : FALLBACK_NAMESPACE);
    }

    private static void stoppedLeading(KubernetesClient client, String namespace, String name, String identity) {
        if (shuttingDown()) {
            release(client, namespace, name, identity);
            return;
        }
        LOG.error("lost the leader Lease while running; exiting so that only the new leader reconciles");
        // Not on this thread: the leader elector calls back holding its lock, and the shutdown that System.exit
        // starts stops the elector, which waits for that lock; called here, System.exit waited for ever (a replica
        // that lost its Lease hung, reconciling nothing, until the kubelet's liveness probe or never).
        new Thread(() -> System.exit(1), "exit-after-lost-lease").start();
    }

    /** Clears the Lease's holder if it is still this replica (an optimistic update: a newer holder wins). */
    private static void release(KubernetesClient client, String namespace, String name, String identity) {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease != null && identity.equals(lease.getSpec().getHolderIdentity())) {
                lease.getSpec().setHolderIdentity(null);
                client.leases().inNamespace(namespace).resource(lease).update();
                LOG.infof("released the leader Lease %s/%s on shutdown", namespace, name);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release the leader Lease %s/%s on shutdown (%s); the next leader waits for it to "
                    + "expire", namespace, name, e.getMessage());
        }
    }

    /** The JVM refuses new shutdown hooks once its shutdown has begun. */
    static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
