-- The course's shop database (server02): tp5shop with a small goods table.
CREATE DATABASE IF NOT EXISTS tp5shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE tp5shop;
CREATE TABLE IF NOT EXISTS goods (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  price DECIMAL(10, 2) NOT NULL,
  stock INT UNSIGNED NOT NULL DEFAULT 0
) ENGINE = InnoDB;
INSERT INTO goods (name, price, stock) VALUES
  ('Keepalived T-shirt', 19.90, 120),
  ('VRRP coffee mug', 9.50, 80),
  ('Virtual IP sticker pack', 3.00, 500),
  ('Split-brain board game', 34.00, 12),
  ('Failover fidget spinner', 7.25, 64);
