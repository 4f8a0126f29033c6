package dev.backgroundtasks.admin;

import dev.backgroundtasks.it.Deployments;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console of the packaged example WAR in headless Chromium, as an operator uses it: signed in as
 * the demo admin, find a failed task by a filter, read its error, retry it and watch it succeed;
 * pause and resume a queue; cancel a running task and watch its progress stop. Portable: the same
 * on every server. Screenshots go to {@code target/console-screenshots/<server and database>}.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
@RunAsClient
class ConsoleIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(30);
    /** One folder per server and database the suite runs on. */
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots",
            System.getProperty("arquillian.launch", "payara-micro"));
    private static WebDriver browser;

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.example();
    }

    @BeforeAll
    static void startBrowser() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        // What a machine without access to the internet needs: no background connections; no sandbox as root.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromedriver", "/usr/bin/chromedriver")))
                .build();
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Opens a page of the console, signed in as the demo admin. */
    private void open(String fragment) {
        URI app = URI.create(base.toString());
        browser.get(app.getScheme() + "://admin:admin@" + app.getAuthority() + app.getPath()
                + "background-tasks/console/" + fragment);
    }

    /** Waits for a condition while the page refreshes itself (elements it drew again are looked up again). */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, PROMPTLY);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks an element, looked up again if the page drew it anew meanwhile. */
    private void click(By element) {
        waiting().until(d -> {
            d.findElement(element).click();
            return true;
        });
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Confirms the console's question (a destructive action asks first). */
    private void confirm() {
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-yes"))).click();
    }

    private String stateOnPage() {
        return browser.findElement(By.cssSelector("#task .state")).getText();
    }

    private JsonObject post(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, response.body());
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private String taskState(long id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base.toString())
                .resolve("api/tasks/" + id)).GET().build(), HttpResponse.BodyHandlers.ofString());
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject().getString("state");
        }
    }

    private long note(String text) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve("api/notes"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        try (JsonReader reader = Json.createReader(new StringReader(created.body()))) {
            return reader.readObject().getJsonNumber("id").longValue();
        }
    }

    @Test
    void aFailedTaskIsFoundByAFilterReadRetriedAndSucceeds() throws Exception {
        long note = note("A note for the outside service");
        post("api/export-target/offline");
        long task;
        try {
            task = post("api/notes/" + note + "/exports").getJsonNumber("taskId").longValue();
            await().atMost(PROMPTLY).until(() -> taskState(task).equals("FAILED"));
        } finally {
            post("api/export-target/online");
        }

        open("#/tasks");
        WebElement filters = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("filters")));
        new Select(filters.findElement(By.name("state"))).selectByValue("failed");
        filters.findElement(By.name("task")).sendKeys("notes.export");
        filters.findElement(By.id("apply-filter")).click();
        By row = By.cssSelector("#tasks tr[data-task='" + task + "'] a");
        waiting().until(ExpectedConditions.elementToBeClickable(row));
        screenshot("tasks-failed");
        click(row);

        WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().contains("The export service is offline"), error.getText());
        waiting().until(d -> stateOnPage().equals("failed"));
        screenshot("task-failed");

        click(By.id("retry"));
        waiting().until(d -> stateOnPage().equals("succeeded"));
        assertTrue(browser.findElement(By.id("result")).getText().contains("Exported note " + note));
        screenshot("task-succeeded");
    }

    @Test
    void aQueueIsPausedAndResumedFromTheOverview() throws Exception {
        note("A note so that the notes queue shows");
        open("#/queues");
        By pause = By.cssSelector("#queues tr[data-queue='notes'] button.pause");
        waiting().until(ExpectedConditions.elementToBeClickable(pause));
        click(pause);
        confirm();
        By resume = By.cssSelector("#queues tr[data-queue='notes'] button.resume");
        waiting().until(ExpectedConditions.elementToBeClickable(resume));
        waiting().until(d -> d.findElement(By.cssSelector("#queues tr[data-queue='notes'] td.paused")).getText().equals("paused"));
        screenshot("queues-paused");
        click(resume);
        waiting().until(ExpectedConditions.elementToBeClickable(pause));
        screenshot("queues");
    }

    @Test
    void aRunningTaskIsCancelledAndItsProgressStops() throws Exception {
        long note = note("A long note, exported page by page");
        long task = post("api/notes/" + note + "/exports?pages=150").getJsonNumber("taskId").longValue();
        open("#/task/" + task);
        By bar = By.cssSelector("#task progress");
        double before = waiting().until(d -> Double.parseDouble(d.findElement(bar).getAttribute("value")));
        waiting().until(d -> Double.parseDouble(d.findElement(bar).getAttribute("value")) > before);
        waiting().until(d -> stateOnPage().equals("running"));
        screenshot("task-running");

        click(By.id("cancel"));
        confirm();
        waiting().until(d -> stateOnPage().equals("cancelled"));
        assertTrue(browser.findElements(bar).isEmpty(), "no progress bar once the task stopped");
        assertEquals("CANCELLED", taskState(task));
        screenshot("task-cancelled");
        List<WebElement> buttons = browser.findElements(By.id("retry"));
        assertFalse(buttons.isEmpty() || !buttons.get(0).isEnabled(), "a cancelled task can be retried");
    }
}
