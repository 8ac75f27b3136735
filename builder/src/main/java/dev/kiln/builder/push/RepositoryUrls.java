package dev.kiln.builder.push;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spelling per repository, so a push's URLs (GitHub sends {@code clone_url}, {@code html_url}, {@code ssh_url};
 * GitLab {@code git_http_url}, {@code web_url}, {@code git_ssh_url}) match the URL a Function names, whichever form
 * each uses: {@code host[:port]/path}, lower-cased, without scheme, credentials, {@code .git} or trailing slash.
 * Lower-casing is right for GitHub and GitLab, whose paths are case-insensitive.
 */
public final class RepositoryUrls {

    /** scp-like SSH: {@code git@github.com:owner/repo.git}. */
    private static final Pattern SCP = Pattern.compile("^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$");

    private RepositoryUrls() {
    }

    /**
     * @param url a repository URL in any of the usual forms
     * @return its normal form, or null for null or blank
     */
    public static String normalize(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String u = url.trim();
        int scheme = u.indexOf("://");
        String hostAndPath;
        if (scheme >= 0) {
            hostAndPath = u.substring(scheme + 3);
            int at = hostAndPath.indexOf('@');
            int slash = hostAndPath.indexOf('/');
            if (at >= 0 && (slash < 0 || at < slash)) {
                hostAndPath = hostAndPath.substring(at + 1);
            }
            if (u.regionMatches(true, 0, "ssh", 0, 3)) {
                // ssh://git@host:22/path: the SSH port says nothing about which repository it is.
                hostAndPath = hostAndPath.replaceFirst("^([^/:]+):\\d+/", "$1/");
            }
        } else {
            Matcher scp = SCP.matcher(u);
            hostAndPath = scp.matches() ? scp.group(1) + "/" + scp.group(2) : u;
        }
        hostAndPath = hostAndPath.replaceFirst("^([^/]+):(443|80)/", "$1/");
        hostAndPath = hostAndPath.replaceAll("/+$", "");
        if (hostAndPath.toLowerCase(Locale.ROOT).endsWith(".git")) {
            hostAndPath = hostAndPath.substring(0, hostAndPath.length() - 4);
        }
        return hostAndPath.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
    }
}
