package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.builder.host.MavenCommand;
import dev.kiln.function.launch.JavaRuntime;
import dev.kiln.local.DevPlatform;
import dev.kiln.local.manifests.Manifests;
import dev.kiln.testing.git.GitHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Issue 19's "done when", on the quickstart's own manifests ({@code examples/quickstart}; its functions served from a
 * Git server here rather than from this checkout's history): {@code kiln send} a hello, {@code kiln trace} shows its
 * whole journey, {@code kiln events} lists it, {@code kiln get -o yaml} shows measured cold starts, and the dashboard,
 * driven in Debian's Chromium, draws the quickstart, shows a sent event with its trace and replays a dead letter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static GitHttpServer git;
    static GitHttpServer.Repo repo;
    static DevPlatform platform;
    static Path dir;
    static Path manifests;
    static String state;

    /**
     * Added beside the quickstart once the dashboard's screenshot is taken (the screenshot is the quickstart alone): a
     * Broker with no dead-letter sink of its own, so kiln dev keeps what it cannot deliver.
     */
    static final String PLAIN = """
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: plain}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: refused}
            spec:
              broker: plain
              delivery: {retry: 0}
              subscriber: {ref: {apiVersion: kiln.dev/v1alpha1, kind: Function, name: greeter}}
            """;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kiln-quickstart-it");
        Files.createDirectories(dir.resolve("served"));
        git = new GitHttpServer(dir.resolve("served"));
        repo = git.new Repo("kiln.git");
        repo.commitTree("the example functions", ROOT.resolve("examples/functions"), "examples/functions");
        manifests = Files.createDirectories(dir.resolve("app"));
        String quickstart = Files.readString(ROOT.resolve("examples/quickstart/quickstart.yaml"));
        assertThat(quickstart).contains("url: ../..");
        Files.writeString(manifests.resolve("quickstart.yaml"), quickstart.replace("url: ../..", "url: " + git.url("kiln.git")));
        state = dir.resolve(".kiln").toString();
        platform = DevPlatform.start(new DevPlatform.Options(dir.resolve(".kiln"), 0, 0, null, JavaRuntime.current(),
                new MavenCommand(List.of(ROOT.resolve("mvnw").toString())), dir.resolve("m2")), Manifests.load(manifests));
        await().atMost(Duration.ofMinutes(4)).until(() -> platform.functions().values().stream().allMatch(f -> f.status().commit() != null));
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        repo.close();
        git.close();
    }

    /** Runs a kiln command as a user would, and returns what it printed. */
    static String kiln(int expectedExit, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            String[] withState = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--state", state))
                    .toArray(String[]::new);
            exit = Kiln.commandLine().execute(withState);
        } finally {
            System.setOut(out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(exit).as(String.join(" ", args) + " printed:\n" + text).isEqualTo(expectedExit);
        return text;
    }

    static String loggerLog() throws Exception {
        Path log = platform.functions().get("default/logger").instanceLog();
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    @Order(1)
    void kilnTraceShowsTheHellosWholeJourneyThroughTheSequenceAndTheGreeting() throws Exception {
        assertThat(kiln(Kiln.OK, "send", "--type", "dev.kiln.hello", "--data", "{\"name\":\"Ada\"}", "--id", "qs-hello-1"))
                .contains("sent qs-hello-1 to default/default");
        await().atMost(Duration.ofSeconds(90)).until(() -> loggerLog().contains("Hello, Ada!"));
        // The logger's delivery is recorded when the logger has answered, just after it printed.
        await().atMost(Duration.ofSeconds(10)).until(() -> kiln(Kiln.OK, "trace", "qs-hello-1").contains("step 1: ref kiln.dev/v1alpha1 Function default/logger"));
        String trace = kiln(Kiln.OK, "trace", "qs-hello-1");
        assertThat(trace)
                .contains("Broker default/default: dev.kiln.hello qs-hello-1 accepted")
                .contains("Trigger default/hellos matched: spec.filters[0].exact: matched (type)")
                .contains("Trigger default/pushes-and-ticks did not match: spec.filters[0].cesql:")
                .contains("Trigger default/hellos → ref flows.knative.dev/v1 Sequence default/greet-and-log")
                .contains("Sequence default/greet-and-log: dev.kiln.hello qs-hello-1 accepted")
                .contains("Sequence default/greet-and-log → step 0: ref kiln.dev/v1alpha1 Function default/greeter")
                .contains("replied with dev.kiln.greeting")
                .contains("Sequence default/greet-and-log → step 1: ref kiln.dev/v1alpha1 Function default/logger");
        assertThat(trace.lines().filter(l -> l.contains("delivered in"))).as("the Trigger and both steps delivered").hasSize(3);
        kiln(Kiln.FAILED, "trace", "no-such-event");
    }

    @Test
    @Order(2)
    void kilnEventsListsItWithItsOutcomeAndFilters() {
        String hellos = kiln(Kiln.OK, "events", "--trigger", "hellos");
        assertThat(hellos.lines().filter(l -> l.contains("qs-hello-1"))).singleElement().satisfies(l ->
                assertThat(l).contains("dev.kiln.hello").contains("Broker default/default").contains("delivered").contains("default/hellos"));
        assertThat(kiln(Kiln.OK, "events", "--outcome", "dropped")).doesNotContain("qs-hello-1");
        assertThat(kiln(Kiln.USAGE, "events", "--outcome", "lost")).isEmpty();
    }

    @Test
    @Order(3)
    void kilnGetShowsEachFunctionsMeasuredColdStartsAndTheDashboard() throws Exception {
        JsonNode rows = new YAMLMapper().readTree(kiln(Kiln.OK, "get", "functions", "-o", "yaml"));
        JsonNode greeter = null;
        for (JsonNode r : rows) {
            if (r.path("name").asText().equals("greeter")) {
                greeter = r;
            }
        }
        assertThat(greeter).isNotNull();
        assertThat(greeter.path("coldStarts").path("count").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(greeter.path("coldStarts").path("medianMillis").asLong()).isPositive();
        assertThat(greeter.path("coldStarts").path("p90Millis").asLong()).isGreaterThanOrEqualTo(greeter.path("coldStarts").path("medianMillis").asLong());
        assertThat(greeter.path("coldStarts").path("lastMillis").asLong()).isPositive();
        assertThat(kiln(Kiln.OK, "get")).contains("dashboard: " + platform.adminUrl() + "/");
        String metrics = new String(java.net.URI.create(platform.adminUrl() + "/metrics").toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("kiln_function_cold_start_seconds_count{namespace=\"default\",function=\"greeter\"}")
                .contains("kiln_delivery_delivered_total{namespace=\"default\",trigger=\"hellos\"}");
    }

    @Test
    @Order(4)
    void theDashboardInARealBrowserDrawsTheQuickstartTracesAnEventAndReplaysADeadLetter() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: the dashboard's browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver),"
                        + " and " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root, Chromium needs --no-sandbox; the rest keep it from reaching for the network on its own.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1200",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(platform.adminUrl() + "/");
            List<String> boxes = browser.findElements(By.cssSelector("#topology .node .title")).stream().map(WebElement::getText).toList();
            assertThat(boxes).contains("GitHubSource github", "CronSource every-minute", "Broker default", "Trigger hellos", "Trigger pushes-and-ticks",
                    "Sequence greet-and-log", "Function greeter", "Function logger");
            assertThat(browser.findElements(By.cssSelector("#topology .edge[data-from='Trigger default/hellos'][data-to='Sequence default/greet-and-log']")))
                    .hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#topology .edge[data-from='Sequence default/greet-and-log'][data-to='Function default/logger']")))
                    .hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("connection")).getText().equals("live"));

            kiln(Kiln.OK, "send", "--type", "dev.kiln.hello", "--data", "{\"name\":\"Bo\"}", "--id", "qs-browser-1");
            By row = By.cssSelector("#events tr[data-id='qs-browser-1']");
            await().atMost(Duration.ofSeconds(60)).until(() -> !browser.findElements(row).isEmpty()
                    && browser.findElement(row).findElement(By.cssSelector(".outcome")).getText().equals("delivered"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(browser.findElement(
                    By.cssSelector("#topology .edge[data-from='Broker default/default'][data-to='Trigger default/hellos']")).getAttribute("data-total")) >= 2);
            browser.findElement(row).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#trace-lines li")).size() > 5);
            String trace = browser.findElement(By.id("trace-lines")).getText();
            assertThat(trace).contains("Trigger default/hellos matched").contains("Sequence default/greet-and-log → step 0")
                    .contains("replied with dev.kiln.greeting").contains("Function default/logger");
            assertThat(browser.findElements(By.cssSelector("#functions tbody tr"))).hasSize(2);
            // Each function's measured cold starts: median, p90 and last in its row, the median on its box.
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#functions tbody tr td:nth-child(n+4):nth-child(-n+6)"))
                    .stream().map(WebElement::getText).filter(t -> t.matches("\\d+ ms")).count() == 6);
            assertThat(browser.findElements(By.cssSelector("#topology .node .badge")).stream().map(WebElement::getText)
                    .filter(t -> t.contains("instance")).toList()).hasSize(2).allMatch(t -> t.matches("\\d+(/\\d+)? instances? · cold \\d+ ms"));
            screenshot(browser, "dashboard-quickstart.png");

            // An edit of the manifests under kiln dev: the page redraws itself with the new Broker.
            Files.writeString(manifests.resolve("plain.yaml"), PLAIN);
            platform.reload(Manifests.load(manifests));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> browser.findElements(By.cssSelector("#topology .node .title"))
                    .stream().map(WebElement::getText).toList().containsAll(List.of("Broker plain", "Trigger refused"))
                    && browser.findElement(By.id("connection")).getText().equals("live"));

            // The greeter refuses this type (404) and the plain Broker has no sink: kiln dev keeps it as a dead letter.
            kiln(Kiln.OK, "send", "--broker", "default/plain", "--type", "dev.kiln.direct", "--data", "{}", "--id", "qs-dead-1");
            By letters = By.cssSelector("#dead-letters tbody tr");
            await().atMost(Duration.ofSeconds(60)).until(() -> browser.findElements(letters).size() == 1);
            String first = browser.findElement(letters).getAttribute("data-id");
            assertThat(first).contains("qs-dead-1");
            browser.findElement(letters).findElement(By.cssSelector("button.replay")).click();
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("replay-result")).getText()
                    .equals("replayed " + first + ": the Broker answered 202"));
            // Replayed, it is refused again and comes back as a new letter; the replayed one is gone.
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElements(letters).size() == 1
                    && !browser.findElement(letters).getAttribute("data-id").equals(first));
            assertThat(platform.deadLetters().get(first)).isNull();
            assertThat(kiln(Kiln.OK, "events", "--outcome", "dead-lettered")).contains("qs-dead-1");
            assertThat(kiln(Kiln.OK, "trace", "qs-dead-1")).as("the replay joined the event's journey").contains("journey 1 of 1")
                    .contains("Broker default/plain: dev.kiln.direct qs-dead-1 accepted");
        } finally {
            browser.quit();
        }
    }

    static void screenshot(WebDriver browser, String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
