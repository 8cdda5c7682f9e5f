// Copy buttons ship hidden: they appear only where this script runs and the clipboard
// can be written, so a page without JavaScript shows no button that does nothing. The
// status messages come from the page (data-copied, data-failed), in its language.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (source && status && navigator.clipboard) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        status.textContent = status.dataset.copied || "Copied.";
      } catch {
        status.textContent = status.dataset.failed || "Copying failed; select the text instead.";
      }
    });
  }
}
