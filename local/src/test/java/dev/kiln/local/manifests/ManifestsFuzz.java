package dev.kiln.local.manifests;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Manifest loading on files nobody checked: YAML of any shape, around documents of the kinds {@code kiln dev} runs
 * so that the fuzzer reaches their fields. Contract: the manifests, or a {@link ManifestException} listing the
 * problems; never another exception (kiln dev would crash instead of saying what is wrong).
 */
class ManifestsFuzz {

    static final String[] HEADS = {
        "apiVersion: kiln.dev/v1alpha1\nkind: Function\nmetadata: {name: f}\n",
        "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t}\n",
        "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: b}\n",
        "apiVersion: flows.knative.dev/v1\nkind: Sequence\nmetadata: {name: s}\n",
        "apiVersion: flows.knative.dev/v1\nkind: Parallel\nmetadata: {name: p}\n",
        "apiVersion: sources.kiln.dev/v1alpha1\nkind: GitHubSource\nmetadata: {name: g}\n",
        "apiVersion: sources.kiln.dev/v1alpha1\nkind: KafkaSource\nmetadata: {name: k}\n",
        "apiVersion: sources.kiln.dev/v1alpha1\nkind: CronSource\nmetadata: {name: c}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
        ""};

    static Path dir;

    @FuzzTest
    void loadsOrListsTheProblems(FuzzedDataProvider data) throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("kiln-manifests-fuzz");
        }
        Path file = dir.resolve("fuzz.yaml");
        byte[] head = data.pickValue(HEADS).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] rest = data.consumeRemainingAsBytes();
        byte[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        Files.write(file, all);
        try {
            Manifests.load(file);
        } catch (ManifestException expected) {
            // problems, listed
        }
    }
}
