package steward.spark.guard;

/** The registry file is missing, unreadable or not an export of `steward guard export`. */
public final class RegistryException extends Exception {
  public RegistryException(String message) {
    super(message);
  }
}
