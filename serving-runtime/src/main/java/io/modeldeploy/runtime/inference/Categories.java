package io.modeldeploy.runtime.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * The model's categorical features as the request parsers and the pre-processing see them: a client sends a
 * string, the row holds its code (its index in the feature's {@code categories}, as a double), and the
 * pre-processing turns the code into the model's one-hot inputs. Parsers that read values before they know the
 * feature (a JSON tensor's data may come before its name) keep a value's index among all features' values
 * ({@link #anyCode(char[], int, int)}), which costs no allocation per value, and map it with {@link #codeFromAny}
 * once they do. Every lookup is a hash lookup, so a feature of thousands of values costs no more per value.
 */
public final class Categories {
    private final List<String> features;
    /** Per feature in client order: its values, or null for a numeric feature. */
    private final List<List<String>> values;
    /** Per feature in client order: each value's code, or null for a numeric feature. */
    private final List<Map<String, Integer>> codes;
    /** Every feature's values, each once. */
    private final List<String> all = new ArrayList<>();
    /** {@link #all}'s indexes by hash, for {@link #anyCode(char[], int, int)}. */
    private final int[] table;
    /** Per feature: the code of each of {@link #all}'s values, -1 for one the feature does not have. */
    private final int[][] codeFromAll;

    public Categories(ModelConfig config) {
        this(config.features(), config::categoriesOf);
    }

    /** Features all numeric. */
    public static Categories none(List<String> features) {
        return new Categories(features, feature -> null);
    }

    private Categories(List<String> features, java.util.function.Function<String, List<String>> categoriesOf) {
        this.features = features;
        values = new ArrayList<>(); // nulls: List.of and toList() take none
        features.forEach(feature -> values.add(categoriesOf.apply(feature)));
        codes = new ArrayList<>();
        var distinct = new LinkedHashSet<String>();
        for (List<String> feature : values) {
            Map<String, Integer> byValue = null;
            if (feature != null) {
                byValue = new HashMap<>();
                for (int code = 0; code < feature.size(); code++) {
                    byValue.put(feature.get(code), code);
                }
                distinct.addAll(feature);
            }
            codes.add(byValue);
        }
        all.addAll(distinct);
        // Open addressing by String.hashCode, at most half full: index + 1 per slot, 0 for an empty one.
        table = new int[Integer.highestOneBit(Math.max(all.size(), 1) * 4)];
        for (int i = 0; i < all.size(); i++) {
            int slot = spread(all.get(i).hashCode()) & (table.length - 1);
            while (table[slot] != 0) {
                slot = (slot + 1) & (table.length - 1);
            }
            table[slot] = i + 1;
        }
        codeFromAll = new int[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            if (values.get(f) != null) {
                codeFromAll[f] = new int[all.size()];
                for (int i = 0; i < all.size(); i++) {
                    codeFromAll[f][i] = code(f, all.get(i));
                }
            }
        }
    }

    /** Whether the model has a categorical feature. */
    public boolean any() {
        return !all.isEmpty();
    }

    public boolean categorical(int feature) {
        return feature < values.size() && values.get(feature) != null;
    }

    /** The names of the categorical features. */
    public List<String> names() {
        var names = new ArrayList<String>();
        for (int f = 0; f < features.size(); f++) {
            if (categorical(f)) {
                names.add(features.get(f));
            }
        }
        return names;
    }

    /** The code of {@code value} for the categorical {@code feature}, or -1 when the feature has no such value. */
    public int code(int feature, String value) {
        return codes.get(feature).getOrDefault(value, -1);
    }

    /**
     * The code of {@code value} for the categorical {@code feature}; a value the feature does not have is a
     * {@link #unknown} error saying {@code where} it is.
     */
    public int checkedCode(int feature, String value, String where) {
        int code = code(feature, value);
        if (code < 0) {
            throw unknown(feature, where, quote(value));
        }
        return code;
    }

    /** The value a code of the categorical {@code feature} stands for. */
    public String value(int feature, int code) {
        return values.get(feature).get(code);
    }

    /** The values of the categorical {@code feature}. */
    public List<String> values(int feature) {
        return values.get(feature);
    }

    public int size(int feature) {
        return values.get(feature).size();
    }

    /**
     * The index among all categorical features' values of the characters {@code chars[offset, offset + length)}, or
     * -1 for a value no feature has; read without making a string of them (from a parser's text buffer), so a
     * request's strings cost nothing but their codes.
     */
    public int anyCode(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + chars[i];
        }
        for (int slot = spread(hash) & (table.length - 1);; slot = (slot + 1) & (table.length - 1)) {
            int index = table[slot] - 1;
            if (index < 0) {
                return -1;
            }
            String value = all.get(index);
            if (value.length() == length && matches(value, chars, offset)) {
                return index;
            }
        }
    }

    private static boolean matches(String value, char[] chars, int offset) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** The value at an {@link #anyCode(char[], int, int)} index. */
    public String anyValue(int index) {
        return all.get(index);
    }

    /**
     * The code, for the categorical {@code feature}, of the value at an {@link #anyCode(char[], int, int)} index; -1
     * if it has none.
     */
    public int codeFromAny(int feature, int index) {
        return index < 0 ? -1 : codeFromAll[feature][index];
    }

    /**
     * The error for a value the categorical {@code feature} does not have, naming the values it has.
     *
     * @param where where the value is, e.g. "'features' row 0, value 4"
     * @param sent the value as sent, quoted when a string (for messages)
     */
    public BadInput unknown(int feature, String where, String sent) {
        return new BadInput(where + " is " + sent + "; the categorical feature " + features.get(feature)
                + " takes one of " + quoted(values.get(feature)));
    }

    /** The values as a list of quoted strings, shortened after 20. */
    public static String quoted(List<String> values) {
        var shown = new ArrayList<String>();
        for (String value : values.subList(0, Math.min(values.size(), 20))) {
            shown.add(quote(value));
        }
        return String.join(", ", shown) + (values.size() > 20 ? " (and " + (values.size() - 20) + " more)" : "");
    }

    /** A value sent as a string, quoted (and shortened after 40 characters) for a message. */
    public static String quote(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
