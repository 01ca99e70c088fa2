-- The e-mail categories a user turned off (notify.Categories); their
-- notices stay in the app.
CREATE TABLE email_optouts (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
);
