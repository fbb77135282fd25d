package org.cytotriage.audit.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;

import org.cytotriage.infra.RealInfraTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The audit API is documented: every resource appears in the OpenAPI document with its parameters. */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class AuditApiTest {

    @Test
    void everyResourceIsInTheOpenApiDocument() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("info.description", containsString("NOT FOR CLINICAL USE"))
                .body("paths", hasKey("/api/v1/cases/{caseId}"))
                .body("paths", hasKey("/api/v1/cases/{caseId}/diagnoses"))
                .body("paths", hasKey("/api/v1/predictions"))
                .body("paths", hasKey("/api/v1/audit/metrics"))
                .body("paths", hasKey("/api/v1/audit/samples/{month}"))
                .body("paths", hasKey("/api/v1/audit/disagreements"))
                .body("paths", hasKey("/api/v1/audit/disagreements/{id}/reviews"))
                .body("paths", hasKey("/api/v1/audit/drift"))
                .body("paths", hasKey("/api/v1/audit/drift/history"))
                .body("paths", hasKey("/api/v1/cases"))
                .body("paths", hasKey("/ui/session"))
                .body("paths", hasKey("/api/v1/audit/retraining"))
                .body("paths.'/api/v1/predictions'.get.parameters.name", org.hamcrest.Matchers.hasItems("hospital", "from", "to",
                        "model", "version", "page", "size"));
    }
}
