//! Reading bytes into rows: encoding, delimiter, quoting, header detection, GLPI export quirks.
