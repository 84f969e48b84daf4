package steward.spark.guard;

import java.util.List;

/** One team of the exported registry: who to ask, who belongs to it, what it writes. */
public record TeamEntry(
    String id, String contact, String channel, List<String> members, List<String> namespaces) {

  /** `team electra (data-fr@gridunion.example, #data-fr)`, as the Python guard says it. */
  public String reach() {
    StringBuilder ways = new StringBuilder();
    for (String way : new String[] {contact, channel}) {
      if (way != null && !way.isEmpty()) {
        ways.append(ways.length() == 0 ? "" : ", ").append(way);
      }
    }
    return "team " + id + (ways.length() == 0 ? "" : " (" + ways + ")");
  }
}
