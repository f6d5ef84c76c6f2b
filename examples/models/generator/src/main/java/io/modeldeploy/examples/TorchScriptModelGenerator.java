package io.modeldeploy.examples;

import static org.bytedeco.pytorch.global.torch.addmm;
import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.from_blob;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.CompilationUnit;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Trains a small neural network on the Iris data with libtorch (PyTorch's C++ library, through the JavaCPP
 * presets): standard-scaled features, a hidden layer of 16 ReLU units, softmax over the three species, full-batch
 * gradient descent on the cross-entropy with libtorch's autograd. Then libtorch builds a TorchScript module with
 * the trained parameters and its forward method compiled from TorchScript source, and saves it: model.pt is the
 * archive torch.jit.save writes, loadable by torch.jit.load and DJL's PyTorch engine. Writes model.json (the
 * serving runtime's model config) and reference.json (the saved module's own predictions for every row).
 *
 * <p>Arguments: output folder, the npm package with the Iris data, a scratch folder.
 */
public final class TorchScriptModelGenerator {
    static final List<String> LABELS = List.of("setosa", "versicolor", "virginica");
    static final int HIDDEN = 16;
    static final int STEPS = 1500;
    static final double LEARNING_RATE = 0.1;
    static final String FORWARD = """
            def forward(self, x):
                hidden = torch.relu(torch.addmm(self.hidden_bias, x, self.hidden_weight.t()))
                return torch.softmax(torch.addmm(self.output_bias, hidden, self.output_weight.t()), 1)
            """;

    private TorchScriptModelGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<IrisModelGenerator.Row> rows = IrisData.load(args[1], Path.of(args[2]));
        Files.createDirectories(out);
        double[] mean = IrisData.mean(rows);
        double[] scale = IrisData.scale(rows, mean);
        int features = mean.length;

        float[] x = new float[rows.size() * features];
        long[] y = new long[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int f = 0; f < features; f++) {
                x[r * features + f] = (float) ((rows.get(r).features()[f] - mean[f]) / scale[f]);
            }
            y[r] = LABELS.indexOf(rows.get(r).label());
        }
        Tensor inputs = from_blob(new FloatPointer(x), rows.size(), features).clone();
        Tensor targets = from_blob(new LongPointer(y), new long[] {rows.size()}, new TensorOptions(ScalarType.Long))
                .clone();

        manual_seed(42);
        Tensor hiddenWeight = randn(HIDDEN, features).mul_(new Scalar(0.5)).requires_grad_(true);
        Tensor hiddenBias = zeros(HIDDEN).requires_grad_(true);
        Tensor outputWeight = randn(LABELS.size(), HIDDEN).mul_(new Scalar(0.5)).requires_grad_(true);
        Tensor outputBias = zeros(LABELS.size()).requires_grad_(true);
        Tensor[] parameters = {hiddenWeight, hiddenBias, outputWeight, outputBias};
        float loss = Float.NaN;
        for (int step = 0; step < STEPS; step++) {
            Tensor hidden = relu(addmm(hiddenBias, inputs, hiddenWeight.t()));
            Tensor crossEntropy = cross_entropy(addmm(outputBias, hidden, outputWeight.t()), targets);
            crossEntropy.backward();
            loss = crossEntropy.item_float();
            try (NoGradGuard noGrad = new NoGradGuard()) {
                for (Tensor p : parameters) {
                    p.sub_(p.grad().mul(new Scalar(LEARNING_RATE)));
                    p.grad().zero_();
                }
            }
        }

        JitModule module = new JitModule(new QualifiedName("__torch__.IrisNet"), new CompilationUnit(), true);
        module.register_parameter("hidden_weight", hiddenWeight.detach(), false);
        module.register_parameter("hidden_bias", hiddenBias.detach(), false);
        module.register_parameter("output_weight", outputWeight.detach(), false);
        module.register_parameter("output_bias", outputBias.detach(), false);
        module.define(FORWARD);
        module.eval();
        module.save(out.resolve("model.pt").toString());

        Tensor probabilities = module.forward(new IValueVector(new IValue(inputs))).toTensor();
        var reference = new ArrayList<Map<String, Object>>();
        int correct = 0;
        for (int r = 0; r < rows.size(); r++) {
            var scores = new LinkedHashMap<String, Double>();
            int best = 0;
            for (int l = 0; l < LABELS.size(); l++) {
                scores.put(LABELS.get(l), (double) probabilities.get(r).get(l).item_float());
                best = scores.get(LABELS.get(l)) > scores.get(LABELS.get(best)) ? l : best;
            }
            correct += LABELS.get(best).equals(rows.get(r).label()) ? 1 : 0;
            reference.add(Map.of("features", rows.get(r).features(), "label", LABELS.get(best),
                    "probabilities", scores));
        }

        var config = new LinkedHashMap<String, Object>();
        config.put("name", "iris-torch");
        config.put("format", "pytorch");
        config.put("file", "model.pt");
        config.put("description", "Iris species from sepal and petal measurements (cm); libtorch neural network "
                + "(4-" + HIDDEN + "-3, ReLU, softmax), TorchScript");
        config.put("features", IrisModelGenerator.FEATURES);
        config.put("scaler", Map.of("mean", mean, "scale", scale));
        config.put("output", Map.of("type", "classification", "labels", LABELS, "probabilities", true));
        config.put("trainedWith", "libtorch 2.7.1 (org.bytedeco:pytorch:2.7.1-1.5.12), " + STEPS
                + " steps of full-batch gradient descent, learning rate " + LEARNING_RATE);
        ModelFolder.writeConfigAndReference(out, config, reference);
        System.out.printf("wrote %s: model.pt, model.json, reference.json (%d rows, loss %.4f, %d/%d correct)%n",
                out, reference.size(), loss, correct, rows.size());
    }
}
