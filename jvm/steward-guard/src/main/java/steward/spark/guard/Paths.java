package steward.spark.guard;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/** Paths and URIs made comparable by prefix, as steward.guard.policy.normalise_path does. */
public final class Paths {
  private Paths() {}

  /** `file:` dropped, `.` and `..` resolved, no trailing `/`; other schemes kept. */
  public static String normalise(String path) {
    String text = path.strip();
    String scheme = "";
    if (text.startsWith("file:")) {
      text = text.substring("file:".length());
      if (text.startsWith("//")) {
        text = text.substring(2);
      }
    } else if (text.contains("://")) {
      int at = text.indexOf("://");
      scheme = text.substring(0, at).toLowerCase(Locale.ROOT) + "://";
      text = text.substring(at + 3);
    }
    if (scheme.isEmpty() && !text.startsWith("/")) {
      text = System.getProperty("user.dir") + "/" + text;
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : text.split("/")) {
      if (part.equals("..")) {
        parts.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    String joined = String.join("/", parts);
    return scheme.isEmpty() ? "/" + joined : scheme + joined;
  }

  /** Whether `path` is `prefix` or lies under it (both normalised). */
  public static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }
}
