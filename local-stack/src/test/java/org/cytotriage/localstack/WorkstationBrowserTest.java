package org.cytotriage.localstack;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workstation pages as their users use them, in Debian's headless Chromium: a cytopathologist
 * signs in on Keycloak's own login page, uploads an image on the worklist, watches its result and
 * overlay arrive and records the final diagnosis, and signs out; an auditor of the same hospital
 * signs in and reads the month's confusion matrix on the audit dashboard. Screenshots go to
 * target/screenshots.
 */
class WorkstationBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final List<String> GROUPS = List.of("BENIGN", "INDETERMINATE", "MALIGNANT");

    private static LocalStack stack;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(false);
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                // root in CI: Chromium's sandbox needs user namespaces it may not have; /dev/shm is small in containers.
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .build(), options);
        browser.manage().window().setSize(new Dimension(1280, 800));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void uploadWatchTheResultRecordTheDiagnosisAndReadTheAudit() throws Exception {
        String hospital = "hospital-browser-" + UUID.randomUUID().toString().substring(0, 6);
        String caseId = "browser-" + Instant.now().toEpochMilli();
        Path smear = Files.createTempFile("smear", ".jpg");
        Files.write(smear, new SyntheticCytologyGenerator().generate(5151, BethesdaCategory.VI).jpegBytes());
        String audit = stack.url("audit-service");
        String cytopathologist = stack.logins().personUsername(Set.of("cytopathologist"), List.of(hospital));
        String auditor = stack.logins().personUsername(Set.of("auditor"), List.of(hospital));

        // The worklist, once signed in: send an image through the form (it posts to ingest-service,
        // another origin, with the user's token) to one of the user's hospitals.
        signIn(audit + "/index.html", cytopathologist);
        assertThat(browser.findElement(By.id("label")).getText()).contains("NOT FOR CLINICAL USE");
        assertThat(browser.findElement(By.id("signed-in-user")).getText()).contains(cytopathologist).contains(hospital);
        browser.findElement(By.id("upload-file")).sendKeys(smear.toAbsolutePath().toString());
        new Select(browser.findElement(By.id("upload-hospital"))).selectByVisibleText(hospital);
        browser.findElement(By.id("upload-case")).sendKeys(caseId, Keys.ENTER);
        waitFor(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Accepted"));
        WebElement row = waitFor(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-case-id='" + caseId + "']")));
        screenshot("1-worklist");

        // The case view: the result and the overlay appear without reloading the page.
        browser.findElement(By.id("uploaded-case")).click();
        waitFor(90).until(ExpectedConditions.textToBePresentInElementLocated(By.id("case-status"), "all predicted and explained"));
        WebElement group = browser.findElement(By.id("predicted-group"));
        WebElement overlay = browser.findElement(By.cssSelector("img.overlay"));
        waitFor(30).until(driver -> (Boolean) js("return arguments[0].complete && arguments[0].naturalWidth > 0", overlay));
        assertThat(GROUPS).contains(group.getText());
        double sum = 0;
        for (String g : GROUPS) {
            String shown = browser.findElement(By.id("prob-" + g.toLowerCase())).getText();
            sum += Double.parseDouble(shown.replace(" %", ""));
        }
        assertThat(sum).isBetween(99.7, 100.3);
        assertThat(browser.findElement(By.id("model")).getText()).contains("thyroideffi-basic");
        String imageId = browser.findElement(By.cssSelector("section.image")).getAttribute("data-image-id");
        browser.findElement(By.id("toggle-" + imageId)).click();
        assertThat(overlay.isDisplayed()).as("the heatmap toggles off").isFalse();
        browser.findElement(By.id("toggle-" + imageId)).sendKeys(Keys.SPACE);
        assertThat(overlay.isDisplayed()).as("and on again, from the keyboard").isTrue();
        screenshot("2-case");

        // The final diagnosis, recorded in the form.
        // The final diagnosis, recorded in the form: by the signed-in cytopathologist, named by the token.
        new Select(browser.findElement(By.id("bethesda"))).selectByValue("VI");
        browser.findElement(By.id("comment")).sendKeys("papillary carcinoma", Keys.ENTER);
        waitFor(20).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#diagnosis-history tbody"), cytopathologist));
        assertThat(browser.findElement(By.cssSelector("#diagnosis-history tbody")).getText()).contains("VI").contains("MALIGNANT");
        screenshot("3-diagnosis");

        // Two more cases of the same hospital through the API, so the matrix has more than one cell.
        Map<String, String> diagnoses = Map.of(caseId, "VI", caseId + "-b", "II", caseId + "-c", "IV");
        sendAndDiagnose(caseId + "-b", hospital, BethesdaCategory.II, 5152);
        sendAndDiagnose(caseId + "-c", hospital, BethesdaCategory.IV, 5153);
        int[][] expected = new int[3][3];
        for (var entry : diagnoses.entrySet()) {
            String predicted = as("cytopathologist", hospital).get(audit + "/api/v1/cases/" + entry.getKey()).then().extract().path("images[0].prediction.group");
            expected[BethesdaCategory.valueOf(entry.getValue()).group().ordinal()][GROUPS.indexOf(predicted)]++;
        }

        // The audit dashboard, used from the keyboard: month and hospital, then draw the sample (the
        // month under way: a provisional one, kept nowhere).
        // Signed out, and in again as the hospital's auditor, through Keycloak's page.
        browser.findElement(By.id("sign-out")).click();
        signIn(audit + "/audit.html", auditor);
        assertThat(browser.findElement(By.id("signed-in-user")).getText()).contains(auditor);
        WebElement month = browser.findElement(By.id("month"));
        js("arguments[0].value = arguments[1]", month, YearMonth.now(ZoneOffset.UTC).toString());
        browser.findElement(By.id("hospital")).sendKeys(hospital);
        browser.findElement(By.id("hospital")).sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("show");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("draw");
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        waitFor(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "3 of 3 confirmed cases sampled"));
        assertThat(browser.findElement(By.id("summary")).getText()).startsWith("PROVISIONAL");
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                String cell = browser.findElement(By.cssSelector("#confusion td[data-truth='" + GROUPS.get(t) + "'][data-predicted='"
                        + GROUPS.get(p) + "']")).getText();
                assertThat(Integer.parseInt(cell)).as("confusion %s -> %s", GROUPS.get(t), GROUPS.get(p)).isEqualTo(expected[t][p]);
            }
        }
        assertThat(browser.findElements(By.cssSelector("#reliability circle.bin"))).isNotEmpty();
        assertThat(browser.findElement(By.id("ece")).getText()).startsWith("Expected calibration error");
        waitFor(20).until(driver -> !driver.findElements(By.cssSelector("#drift-chart path")).isEmpty()
                || !driver.findElements(By.cssSelector("#drift-chart circle")).isEmpty()
                || driver.findElement(By.id("drift-now")).getText().contains("Live since"));
        screenshot("4-audit");

        // The model changes page, as the auditor: the change ledger and the retraining jobs are shown; the
        // decisions (roll back, approve) are not offered to a role that may not make them.
        browser.get(audit + "/changes.html?model=thyroideffi-basic");
        waitFor(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("ledger-status"), "entries, oldest first"));
        assertThat(browser.findElement(By.id("jobs-panel")).isDisplayed()).as("the jobs panel, for an auditor").isTrue();
        assertThat(browser.findElement(By.id("rollback")).isDisplayed()).as("rollback offered to an auditor").isFalse();
        screenshot("5-changes");

        // Pages use nothing but their own origin, and fit 1280 px without scrolling sideways.
        for (String page : List.of("/index.html", "/audit.html", "/changes.html")) {
            browser.get(audit + page);
            @SuppressWarnings("unchecked")
            List<String> sources = (List<String>) js("return [...document.querySelectorAll('[src],[href]')]"
                    + ".map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin))");
            assertThat(sources).as("external references on %s", page).isEmpty();
            assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue()).as(page).isLessThanOrEqualTo(1280);
        }
    }

    private void sendAndDiagnose(String caseId, String hospital, BethesdaCategory category, long seed) {
        byte[] jpeg = new SyntheticCytologyGenerator().generate(seed, category).jpegBytes();
        as("scanner", hospital).contentType("image/jpeg").body(jpeg)
                .post(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images").then().statusCode(202);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> as("cytopathologist", hospital)
                .get(stack.url("audit-service") + "/api/v1/cases/" + caseId).then().extract().path("images[0].prediction") != null);
        as("cytopathologist", hospital).contentType("application/json").body("{\"bethesdaCategory\": \"" + category + "\"}")
                .post(stack.url("audit-service") + "/api/v1/cases/" + caseId + "/diagnoses").then().statusCode(201);
    }

    /** Opens a page, is sent to Keycloak's own login page, signs in there and is back on the page, signed in. */
    private static void signIn(String page, String username) {
        browser.get(page);
        waitFor(60).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        assertThat(browser.getCurrentUrl()).as("Keycloak's login page").startsWith(stack.infrastructure().identity().issuer());
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(stack.logins().password());
        browser.findElement(By.id("kc-login")).click();
        waitFor(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in-user"), username));
        assertThat(browser.getCurrentUrl()).startsWith(page.substring(0, page.lastIndexOf('/')));
    }

    /** An API call with the token of a person of the stack's realm. */
    private static io.restassured.specification.RequestSpecification as(String role, String hospital) {
        return given().auth().oauth2(stack.logins().person(Set.of(role), List.of(hospital)));
    }

    private static WebDriverWait waitFor(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private static void screenshot(String name) throws Exception {
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
