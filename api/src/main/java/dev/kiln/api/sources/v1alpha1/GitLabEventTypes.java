package dev.kiln.api.sources.v1alpha1;

import java.util.Locale;
import java.util.Map;

/**
 * GitLab project-hook event flags (the names Knative's GitLabSource uses in {@code eventTypes}) and the
 * {@code X-Gitlab-Event} header value of each.
 */
public final class GitLabEventTypes {

    /** Event flag to the {@code X-Gitlab-Event} header GitLab sends for it. */
    public static final Map<String, String> HOOK_HEADERS = Map.ofEntries(
            Map.entry("push_events", "Push Hook"),
            Map.entry("tag_push_events", "Tag Push Hook"),
            Map.entry("issues_events", "Issue Hook"),
            Map.entry("confidential_issues_events", "Confidential Issue Hook"),
            Map.entry("note_events", "Note Hook"),
            Map.entry("confidential_note_events", "Confidential Note Hook"),
            Map.entry("merge_requests_events", "Merge Request Hook"),
            Map.entry("job_events", "Job Hook"),
            Map.entry("pipeline_events", "Pipeline Hook"),
            Map.entry("wiki_page_events", "Wiki Page Hook"),
            Map.entry("deployment_events", "Deployment Hook"),
            Map.entry("releases_events", "Release Hook"),
            Map.entry("milestone_events", "Milestone Hook"),
            Map.entry("feature_flag_events", "Feature Flag Hook"),
            Map.entry("emoji_events", "Emoji Hook"),
            Map.entry("member_events", "Member Hook"),
            Map.entry("resource_access_token_events", "Resource Access Token Hook"));

    private GitLabEventTypes() {
    }

    /**
     * @param hookHeader an {@code X-Gitlab-Event} value, e.g. "Merge Request Hook"
     * @return the CloudEvent type, as Knative's GitLabSource: dev.knative.sources.gitlab.merge_request
     */
    public static String cloudEventType(String hookHeader) {
        String name = hookHeader.trim();
        if (name.endsWith(" Hook")) {
            name = name.substring(0, name.length() - " Hook".length());
        }
        return "dev.knative.sources.gitlab." + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }
}
