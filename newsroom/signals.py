"""What other apps hear of articles being saved, so that they keep in step without the
newsroom's actions knowing them (the search index).

- `article_saved(sender=Article, article)` — sent by newsroom.actions.do_save_article inside
  the transaction that saved it, once its body is rendered: a receiver that keeps derived rows
  in step writes there and then, and commits or rolls back with the article.
"""

from django.dispatch import Signal

article_saved = Signal()
