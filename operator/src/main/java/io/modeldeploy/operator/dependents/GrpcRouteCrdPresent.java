package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The GRPCRoute dependent (and its informer) is only activated in a cluster that has the Gateway API's GRPCRoute
 * CRD (standard channel since v1.1), as {@link HttpRouteCrdPresent} for HTTPRoute: a cluster with an older Gateway
 * API weighs REST only, and gRPC clients that call the Gateway reach the stable version.
 */
public class GrpcRouteCrdPresent extends CRDPresentActivationCondition<GRPCRoute, ModelDeployment> {
}
