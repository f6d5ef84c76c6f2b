package io.modeldeploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * docs/api-reference.md is generated from the committed CRD's schema: every described field with its type,
 * default, validation and description. The test fails while the committed reference differs; hack/update-crds
 * rewrites it (from target/api-reference.md, which this test writes).
 */
class ApiReferenceTest {

    @Test
    void apiReferenceMatchesTheCrdSchema() throws IOException {
        String generated = render(crd());
        Files.writeString(Path.of("target/api-reference.md"), generated);

        Path committed = Path.of("../docs/api-reference.md");
        assertThat(committed).as("docs/api-reference.md exists; run hack/update-crds").exists();
        assertThat(Files.readString(committed)).as("docs/api-reference.md is out of date; run hack/update-crds")
                .isEqualTo(generated);
    }

    static CustomResourceDefinition crd() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("generated", CommittedCrdTest.FILE))) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    static String render(CustomResourceDefinition crd) {
        var version = crd.getSpec().getVersions().get(0);
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        var out = new StringBuilder();
        out.append("# API reference: ").append(crd.getSpec().getNames().getKind()).append(" ")
                .append(crd.getSpec().getGroup()).append("/").append(version.getName()).append("\n\n")
                .append("Generated from `crds/generated/").append(CommittedCrdTest.FILE)
                .append("` (itself generated from the Java types in `crds/`) by `hack/update-crds`; do not edit.\n")
                .append("Short name `").append(String.join("`, `", crd.getSpec().getNames().getShortNames()))
                .append("`; namespaced; subresources `status` and `scale` (spec.replicas).\n");
        for (String section : List.of("spec", "status")) {
            out.append("\n## ").append(section).append("\n\n")
                    .append("| field | type | default | validation | description |\n|---|---|---|---|---|\n");
            var rows = new ArrayList<String>();
            walk(section, root.getProperties().get(section), rows);
            rows.forEach(r -> out.append(r).append('\n'));
        }
        return out.toString();
    }

    private static void walk(String path, JSONSchemaProps schema, List<String> rows) {
        Map<String, String> ruleMessages = schema.getXKubernetesValidations() == null ? Map.of()
                : schema.getXKubernetesValidations().stream().filter(r -> r.getFieldPath() != null)
                        .collect(Collectors.groupingBy(ValidationRule::getFieldPath,
                                Collectors.mapping(ValidationRule::getMessage, Collectors.joining("; "))));
        if (schema.getProperties() == null) {
            return;
        }
        for (var entry : schema.getProperties().entrySet()) {
            JSONSchemaProps field = entry.getValue();
            if (field.getDescription() == null) {
                continue; // Kubernetes' own types (resources, env, affinity, ...): see the Kubernetes reference
            }
            String fieldPath = path + "." + entry.getKey();
            var validation = new ArrayList<String>();
            if (schema.getRequired() != null && schema.getRequired().contains(entry.getKey())) {
                validation.add("required");
            }
            if (field.getEnum() != null && !field.getEnum().isEmpty()) {
                validation.add("one of " + field.getEnum().stream().map(e -> "`" + e.asText() + "`")
                        .collect(Collectors.joining(", ")));
            }
            if (field.getMinimum() != null) {
                validation.add("≥ " + number(field.getMinimum()));
            }
            if (field.getMaximum() != null) {
                validation.add("≤ " + number(field.getMaximum()));
            }
            if (field.getMaxLength() != null) {
                validation.add("at most " + field.getMaxLength() + " characters");
            }
            if (ruleMessages.containsKey("." + entry.getKey())) {
                validation.add(ruleMessages.get("." + entry.getKey()));
            }
            if (field.getXKubernetesValidations() != null) {
                field.getXKubernetesValidations().stream().filter(r -> r.getFieldPath() == null)
                        .forEach(r -> validation.add(r.getMessage()));
            }
            String type = field.getType() == null ? "object" : field.getType();
            if ("array".equals(type) && field.getItems() != null && field.getItems().getSchema() != null) {
                type = "array of " + field.getItems().getSchema().getType();
            }
            String defaultValue = field.getDefault() == null ? "" : "`" + field.getDefault().toString() + "`";
            rows.add("| `" + fieldPath + "` | " + type + " | " + defaultValue + " | "
                    + String.join("; ", validation).replace("|", "\\|") + " | " + field.getDescription().replace("|", "\\|") + " |");
            walk(fieldPath, field, rows);
        }
    }

    private static String number(Double value) {
        return value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString();
    }
}
