package io.modeldeploy.operator.dependents;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * The HTTPRoute dependent (and its informer) is only activated in a cluster that has the Gateway API's HTTPRoute
 * CRD, so the operator runs unchanged in clusters without Gateway API. The SDK looks for the CRD on the first
 * reconciles (10 times, 10 s apart) and then remembers the answer: install the Gateway API before the operator,
 * or restart the operator after installing it.
 */
public class HttpRouteCrdPresent extends CRDPresentActivationCondition<HTTPRoute, ModelDeployment> {
}
