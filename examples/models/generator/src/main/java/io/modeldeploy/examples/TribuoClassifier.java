package io.modeldeploy.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A Tribuo logistic regression trained on examples and written as model.onnx, with what the model config needs
 * from it: the order of the ONNX input's columns and of its output's labels.
 *
 * @param modelInputs Tribuo orders the ONNX input by its feature ids (alphabetical names)
 * @param labels the output's columns, by Tribuo's label ids
 */
record TribuoClassifier(LinearSGDModel model, List<String> modelInputs, List<String> labels) {
    static final String TRAINED_WITH = "org.tribuo:tribuo-classification-sgd LogisticRegressionTrainer";

    /**
     * Trains on the examples (named in Tribuo's provenance as {@code data}) and writes {@code folder/model.onnx}
     * with {@code docString}.
     */
    static TribuoClassifier train(List<Example<Label>> examples, String data, Path folder, String docString)
            throws IOException {
        var factory = new LabelFactory();
        var dataset = new MutableDataset<Label>(new SimpleDataSourceProvenance(data, factory), factory);
        examples.forEach(dataset::add);
        LinearSGDModel model = new LogisticRegressionTrainer().train(dataset);
        // Without Tribuo's provenance (it records when the data was read and the model trained, in the doc string and
        // the metadata), the same data and seed give the same bytes on every build, so the bundle's digests (sha256,
        // an OCI image's) are ones the examples can pin.
        try (var file = Files.newOutputStream(folder.resolve("model.onnx"))) {
            model.exportONNXModel("io.modeldeploy.examples", 1).toBuilder().clearMetadataProps()
                    .setDocString(docString).build().writeTo(file);
        }
        List<String> modelInputs = new ArrayList<>();
        model.getFeatureIDMap().forEach(info -> modelInputs.add(info.getName()));
        modelInputs.sort((a, b) -> Integer.compare(model.getFeatureIDMap().getID(a), model.getFeatureIDMap().getID(b)));
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return new TribuoClassifier(model, modelInputs, labels);
    }
}
