package io.modeldeploy.operator;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's own settings (application.properties, or MODELDEPLOY_* environment variables). */
@ConfigMapping(prefix = "modeldeploy")
public interface OperatorSettings {

    /** The serving runtime image used when a ModelDeployment names none. */
    @WithDefault("ghcr.io/modeldeploy/serving-runtime:0.1.0")
    String runtimeImage();

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
