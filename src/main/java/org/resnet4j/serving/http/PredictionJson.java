package org.resnet4j.serving.http;

import org.resnet4j.serving.ClassScore;
import org.resnet4j.serving.Prediction;

/**
 * {@code {"top": [{"index": 3, "label": "cat", "probability": 0.8765}, ...]}}. A probability is written as
 * {@link Float#toString(float)}, the shortest decimal that reads back as the same float, so a client parsing it as a
 * float gets the server's exact bits.
 */
final class PredictionJson {
    private PredictionJson() {
    }

    static String write(Prediction prediction) {
        StringBuilder json = new StringBuilder("{\"top\": [");
        for (int i = 0; i < prediction.top().size(); i++) {
            ClassScore score = prediction.top().get(i);
            json.append(i == 0 ? "" : ", ")
                    .append("{\"index\": ").append(score.index())
                    .append(", \"label\": ").append(Json.quote(score.label()))
                    .append(", \"probability\": ").append(Float.toString(score.probability()))
                    .append('}');
        }
        return json.append("]}").toString();
    }
}
