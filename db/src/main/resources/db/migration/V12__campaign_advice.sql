-- What a campaign took from curators' recent decisions: the advice lines and writer guidance the admin accepted
-- when starting it (null: started without advice). Its category mix is in category_mix as always.
alter table campaigns add column advice jsonb;
