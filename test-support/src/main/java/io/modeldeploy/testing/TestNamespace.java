package io.modeldeploy.testing;

/** The namespace a cluster test owns; created before the test and deleted after it. */
public record TestNamespace(String name) {
}
