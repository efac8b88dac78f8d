-- The one table of the contract. utf8mb4_bin: emails and phones are matched byte for byte
-- (they are normalised before they get here), never by a case- or accent-folding collation.
CREATE TABLE IF NOT EXISTS Contact (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  phoneNumber VARCHAR(255) NULL,
  email VARCHAR(255) NULL,
  linkedId INT NULL,
  linkPrecedence ENUM('primary', 'secondary') NOT NULL,
  createdAt TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  deletedAt TIMESTAMP NULL DEFAULT NULL,
  -- One index per lookup key, so that each probe (and each lock) touches only its own key range.
  KEY ContactEmail (email),
  KEY ContactPhoneNumber (phoneNumber),
  KEY ContactLinkedId (linkedId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
