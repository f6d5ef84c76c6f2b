package io.modeldeploy.operator.dependents;

/** A ModelDeployment's child cannot be created: an object of its kind and name exists and belongs to someone else. */
public final class NameTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NameTaken(String kind, String name, Throwable cause) {
        super("a " + kind + " named " + name + " already exists in this namespace and is not this "
                + "ModelDeployment's: rename the ModelDeployment, or delete that " + kind, cause);
    }
}
