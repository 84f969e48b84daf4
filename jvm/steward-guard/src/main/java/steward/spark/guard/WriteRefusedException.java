package steward.spark.guard;

/** A write the steward guard refused before it ran; the message says why and what to do. */
public final class WriteRefusedException extends SecurityException {
  public WriteRefusedException(String message) {
    super(message);
  }
}
