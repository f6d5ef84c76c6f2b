package io.modeldeploy.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * An example model's folder as the serving runtime and its tests read it: beside the model file, model.json (the
 * runtime's model config) and reference.json (the training library's own prediction for every row). Map keys
 * are written sorted, so the files are the same on every build (Map.of iterates in a per-JVM order).
 */
final class ModelFolder {
    private ModelFolder() {
    }

    static void writeConfigAndReference(Path folder, Map<String, Object> config, List<Map<String, Object>> reference)
            throws IOException {
        var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        json.writeValue(folder.resolve("model.json").toFile(), config);
        json.writeValue(folder.resolve("reference.json").toFile(), reference);
    }
}
