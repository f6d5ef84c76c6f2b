package io.modeldeploy.runtime.http;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.modeldeploy.runtime.inference.BadInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** JSON in and out. NaN is read (Python's json module writes it) so that validation can name it. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
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
