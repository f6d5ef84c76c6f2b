package io.modeldeploy.api.v1alpha1;

import io.fabric8.generator.annotation.Required;

/** The trained model: its name, version and where it is stored. */
public class ModelSpec {
    /** Model name, as served under /v2/models/{name}. */
    @Required
    private String name;

    /** Model version; a change rolls out a new revision. */
    @Required
    private String version;

    /** Where the model is stored: pvc://, http(s):// or file://. */
    @Required
    private String uri;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }
}
