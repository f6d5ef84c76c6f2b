package io.modeldeploy.runtime.http;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.modeldeploy.runtime.inference.BadInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON in and out. NaN is read (Python's json module writes it) so that validation can name it. Nesting is capped:
 * no request of this API nests deeper than a few levels, and deep nesting only costs the parser.
 */
final class Json {
    /** The deepest nesting of arrays and objects a request may have. */
    static final int MAX_DEPTH = 32;
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private Json() {
    }

    static JsonNode body(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw new BadInput("the request has no body; send JSON");
        }
        try {
            return MAPPER.readTree(body.getBytes());
        } catch (StreamConstraintsException e) {
            throw new BadInput("the request body nests arrays or objects deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            throw new BadInput("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInput("the request body cannot be read: " + e.getMessage());
        }
    }

    /** Rows of numbers from a JSON array of arrays (or one array, as one row). */
    static double[][] rows(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new BadInput("'" + field + "' is required: a list of rows, each a list of numbers");
        }
        if (!node.isArray()) {
            throw new BadInput("'" + field + "' must be a list of rows, each a list of numbers");
        }
        if (node.size() > 0 && !node.get(0).isArray()) {
            return new double[][] {row(node, 0, field)};
        }
        double[][] rows = new double[node.size()][];
        for (int r = 0; r < node.size(); r++) {
            if (!node.get(r).isArray()) {
                throw new BadInput("'" + field + "' row " + r + " is not a list of numbers");
            }
            rows[r] = row(node.get(r), r, field);
        }
        return rows;
    }

    private static double[] row(JsonNode row, int r, String field) {
        double[] values = new double[row.size()];
        for (int i = 0; i < row.size(); i++) {
            JsonNode v = row.get(i);
            if (!v.isNumber()) {
                throw new BadInput("'" + field + "' row " + r + ", value " + i + " is not a number: " + v);
            }
            values[i] = v.doubleValue();
        }
        return values;
    }

    /** A media type this API reads as JSON: application/json or any +json type, parameters aside. */
    static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    static void send(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(MAPPER.writeValueAsBytes(body)));
        } catch (IOException e) {
            ctx.fail(e);
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        send(ctx, status, Map.of("error", message));
    }
}
