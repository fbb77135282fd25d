package org.cytotriage.explain.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.Tokens;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.GradCam;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class ExplanationResourceTest {

    @Inject
    ImageStore store;

    /**
     * Any class, on the named version, equals Grad-CAM computed from PyTorch's autograd maps of the
     * shipped reference case (combined over the tiles the same way for Premium).
     */
    @ParameterizedTest
    @CsvSource({"thyroideffi-basic, BENIGN", "thyroideffi-basic, MALIGNANT", "thyroideffi-premium, INDETERMINATE",
            "thyroideffi-premium, MALIGNANT"})
    void anyClassOnTheNamedVersionEqualsPyTorchGradCam(String model, String group) throws IOException {
        ModelCard card = ModelCard.read(ShippedModels.directory(model));
        ReferenceCases.Case reference = ReferenceCases.read(ShippedModels.directory(model)).cases().get(0);
        String key = store.put("hospital-test", Files.readAllBytes(reference.png()));
        int k = List.of("BENIGN", "INDETERMINATE", "MALIGNANT").indexOf(group);
        float[][] pyTorchMaps = Arrays.stream(reference.gradCam()).map(view -> view[k]).toArray(float[][]::new);
        Heatmap expected = GradCam.ofViews(pyTorchMaps, reference.mapRows(), reference.mapCols(), card.preprocessing().views());

        JsonPath explanation = ofHospitalTest().queryParam("image", key).queryParam("model", model)
                .queryParam("version", card.version()).queryParam("group", group)
                .when().get("/api/v1/explanations").then().statusCode(200)
                .body("modelSha256", equalTo(card.sha256()))
                .body("group", equalTo(group))
                .extract().jsonPath();

        assertThat(explanation.getInt("rows")).isEqualTo(expected.rows());
        assertThat(explanation.getInt("cols")).isEqualTo(expected.cols());
        List<Float> heatmap = explanation.getList("heatmap", Float.class);
        for (int i = 0; i < expected.values().length; i++) {
            assertThat(heatmap.get(i)).as("%s %s cell %d", model, group, i).isCloseTo(expected.values()[i], within(1e-3f));
        }
    }

    @Test
    void overlayIsThePictureWithItsLegend() throws IOException {
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        ReferenceCases.Case reference = ReferenceCases.read(ShippedModels.directory(ShippedModels.BASIC)).cases().get(0);
        String key = store.put("hospital-test", Files.readAllBytes(reference.png()));

        byte[] png = ofHospitalTest().queryParam("image", key).queryParam("model", card.name()).queryParam("version", card.version())
                .queryParam("group", "malignant").when().get("/api/v1/explanations/overlay").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();

        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(overlay.getWidth()).isEqualTo(640);
        assertThat(overlay.getHeight()).isGreaterThan(480);
    }

    @Test
    void unknownVersionImageOrGroupIsAProblem() {
        String key = store.put("hospital-test", new byte[] {1, 2, 3});
        ofHospitalTest().queryParam("image", key).queryParam("model", "thyroideffi-basic").queryParam("version", "0.0.0-never")
                .queryParam("group", "BENIGN").when().get("/api/v1/explanations").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("title", equalTo("Unknown model version"));
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        ofHospitalTest().queryParam("image", "hospital-test/sha256/00/" + "0".repeat(64)).queryParam("model", card.name())
                .queryParam("version", card.version()).queryParam("group", "BENIGN").when().get("/api/v1/explanations")
                .then().statusCode(404).body("title", equalTo("Unknown image"));
        ofHospitalTest().queryParam("image", key).queryParam("model", card.name()).queryParam("version", card.version())
                .queryParam("group", "BENIGN").when().get("/api/v1/explanations").then().statusCode(422)
                .body("title", equalTo("Undecodable image"));
        ofHospitalTest().queryParam("image", key).queryParam("model", card.name()).queryParam("version", card.version())
                .queryParam("group", "SUSPICIOUS").when().get("/api/v1/explanations").then().statusCode(400)
                .body("detail", containsString("SUSPICIOUS"));
    }

    @Test
    void anotherHospitalsImageIsUnknownAndOnlyACytopathologistIsShownOne() {
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        String key = store.put("hospital-test", new byte[] {4, 5, 6});
        given().auth().oauth2(Tokens.of(Roles.CYTOPATHOLOGIST, "hospital-b")).queryParam("image", key).queryParam("model", card.name())
                .queryParam("version", card.version()).queryParam("group", "BENIGN").when().get("/api/v1/explanations/overlay")
                .then().statusCode(404).body("title", equalTo("Unknown image"));
        given().auth().oauth2(Tokens.of(Roles.SCANNER, "hospital-test")).queryParam("image", key).queryParam("model", card.name())
                .queryParam("version", card.version()).queryParam("group", "BENIGN").when().get("/api/v1/explanations").then().statusCode(403);
        given().queryParam("image", key).queryParam("model", card.name()).queryParam("version", card.version())
                .queryParam("group", "BENIGN").when().get("/api/v1/explanations").then().statusCode(401);
    }

    private static RequestSpecification ofHospitalTest() {
        return given().auth().oauth2(Tokens.of(Roles.CYTOPATHOLOGIST, "hospital-test"));
    }
}
