package io.modeldeploy.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A trained model served as a production service by the modeldeploy serving runtime. Its name must make valid
 * names for its children: the Services {@code <name>-stable} and {@code <name>-canary} are DNS-1035 labels of at most
 * 63 characters, so the name is one of at most 56; and it must not end in {@code -canary} or {@code -stable}, which
 * would give it the names of another ModelDeployment's children.
 */
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "a ModelDeployment's name must start with a lower-case letter and contain only lower-case letters, "
                + "digits and '-' (a DNS-1035 label: its Services are named after it)")
@ValidationRule(value = "size(self.metadata.name) <= 56",
        message = "a ModelDeployment's name is at most 56 characters: its Services <name>-stable and <name>-canary "
                + "must fit in 63")
@ValidationRule(value = "!self.metadata.name.endsWith('-canary') && !self.metadata.name.endsWith('-stable')",
        message = "a ModelDeployment's name must not end in -canary or -stable: the ModelDeployment iris names its "
                + "canary's Deployment and Services that way (iris-canary, iris-stable), so these names would collide")
@Group(ModelDeployment.GROUP)
@Version(ModelDeployment.VERSION)
@Plural("modeldeployments")
@ShortNames("md")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.model.name")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.modelVersion")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.replicas",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Canary", jsonPath = ".status.rollout.effectiveCanaryWeight",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.rollout.step", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ModelDeployment extends CustomResource<ModelDeploymentSpec, ModelDeploymentStatus> implements Namespaced {
    public static final String GROUP = "serving.modeldeploy.io";
    public static final String VERSION = "v1alpha1";
    public static final String CRD_NAME = "modeldeployments." + GROUP;
}
